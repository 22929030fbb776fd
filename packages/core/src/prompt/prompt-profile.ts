import type { JsonSchema, ToolSpec } from '@outpost/protocol';

/**
 * How much prompt a model gets (DESIGN §3.2). Every capability stays in every profile; what
 * shrinks is the wording: `full` sends tool descriptions with examples and argument descriptions
 * in the schemas, `compact` drops the examples and the schema descriptions that repeat the
 * description's argument list, `tiny` keeps one sentence and the argument names per tool.
 */
export const PROMPT_PROFILES = ['tiny', 'compact', 'full'] as const;
export type PromptProfile = (typeof PROMPT_PROFILES)[number];

export function isPromptProfile(value: string): value is PromptProfile {
  return (PROMPT_PROFILES as readonly string[]).includes(value);
}

/**
 * The profile for a model, from its real context window and, when `outpost models test` measured
 * it, its prompt-processing speed: a small window or a slow prefill gets a smaller prompt.
 */
export function choosePromptProfile(model: {
  contextWindow: number | undefined;
  promptTokensPerSecond?: number | undefined;
}): PromptProfile {
  const { contextWindow, promptTokensPerSecond: speed } = model;
  if (
    (contextWindow !== undefined && contextWindow < 8192) ||
    (speed !== undefined && speed < 30)
  ) {
    return 'tiny';
  }
  if (
    contextWindow === undefined ||
    contextWindow < 32_768 ||
    (speed !== undefined && speed < 150)
  ) {
    return 'compact';
  }
  return 'full';
}

/** Most bytes of project rules (AGENTS.md and similar) each profile puts in the prompt. */
export const PROJECT_RULES_CAP: Record<PromptProfile, number> = {
  tiny: 1500,
  compact: 4000,
  full: 12_000,
};

/**
 * Most tokens of the repository map (`agent/repo-map.ts`) each profile puts in a user turn's
 * context: a few files with their best definition for a small window or a slow prefill, about a
 * dozen files for a large one. `"repoMap": { "tokens": N }` in the config overrides it (0: none).
 */
export const REPO_MAP_TOKENS: Record<PromptProfile, number> = {
  tiny: 150,
  compact: 400,
  full: 1000,
};

/**
 * Most tokens of project memory (`agent/memory-context.ts`: the accepted records relevant to the
 * message) each profile puts in a user turn's context: one or two records for a small window or a
 * slow prefill, about five for a large one. `"memory": { "tokens": N }` in the config overrides it
 * (0: none).
 */
export const MEMORY_TOKENS: Record<PromptProfile, number> = {
  tiny: 100,
  compact: 250,
  full: 500,
};

/** A tool spec as a profile sends it. `full` is the spec unchanged. */
export function toolSpecForProfile(spec: ToolSpec, profile: PromptProfile): ToolSpec {
  if (profile === 'full') return spec;
  const sections = spec.description.split(/\n\n(?=Example)/);
  const withoutExample = (sections[0] ?? spec.description).trim();
  const description =
    profile === 'compact' ? withoutExample : tinyDescription(withoutExample, spec.inputSchema);
  return { name: spec.name, description, inputSchema: withoutDescriptions(spec.inputSchema) };
}

/** The first sentence, then the argument names (`?` marks optional ones). */
function tinyDescription(description: string, schema: JsonSchema): string {
  const firstParagraph = description.split('\n\n')[0] ?? description;
  const firstSentence = /^.*?[.!?](\s|$)/s.exec(firstParagraph)?.[0]?.trim() ?? firstParagraph;
  const properties = Object.keys(schema.properties ?? {});
  if (properties.length === 0) return firstSentence;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const names = properties.map((name) => (required.has(name) ? name : `${name}?`));
  return `${firstSentence} Arguments: ${names.join(', ')}.`;
}

/** The schema without `description` keywords (the tool description already names the arguments). */
function withoutDescriptions(schema: JsonSchema): JsonSchema {
  return JSON.parse(
    JSON.stringify(schema, (key, value: unknown) =>
      key === 'description' && typeof value === 'string' ? undefined : value,
    ),
  ) as JsonSchema;
}
