import { z } from 'zod';
import { MemoryError } from '../errors/memory-error.js';
import { MEMORY_KINDS } from '../memory/memory-types.js';
import type { MemoryRecord } from '../memory/memory-types.js';
import { shortMemoryId } from '../memory/memory-short-id.js';
import { resolveProjectPath } from '../project/project-paths.js';
import { readTextAsset } from './text-asset.js';
import { defineTool, toolError } from './tool.js';
import type { ToolError, ToolMemory, ToolResult } from './tool.js';

/** Lengths and counts are the store's to check (`MEMORY_LIMITS`): every schema token is sent. */
export const RememberInput = z.object({
  kind: z.enum(MEMORY_KINDS),
  title: z.string(),
  body: z.string(),
  tags: z.array(z.string()).optional(),
  paths: z.array(z.string()).optional(),
});
export type RememberInput = z.infer<typeof RememberInput>;

export type ProposeResult =
  { ok: true; record: MemoryRecord; duplicate: boolean } | { ok: false; error: ToolError };

/**
 * Adds a `proposed` record with the session and model as provenance (what the remember tool
 * and the end-of-session reflection do). Paths are made project-relative; one outside the
 * project is refused, and so is whatever the store refuses (an empty title, a huge body), with
 * its message. A record whose title is already that of a proposed or accepted record is
 * not added twice: the existing one is returned.
 */
export function proposeMemory(
  input: RememberInput,
  memory: ToolMemory,
  projectRoot: string,
): ProposeResult {
  const paths: string[] = [];
  for (const path of input.paths ?? []) {
    const resolved = resolveProjectPath(projectRoot, path);
    if (!resolved.ok) return { ok: false, error: resolved.error };
    if (!paths.includes(resolved.relativePath)) paths.push(resolved.relativePath);
  }
  const title = input.title.replace(/\s+/g, ' ').trim();
  const existing = memory.store
    .list({ statuses: ['proposed', 'accepted'] })
    .find((record) => sameTitle(record.title, title));
  if (existing) return { ok: true, record: existing, duplicate: true };
  try {
    const record = memory.store.add({
      kind: input.kind,
      title,
      body: input.body.trim(),
      ...(input.tags === undefined
        ? {}
        : { tags: [...new Set(input.tags.map((tag) => tag.trim()).filter((tag) => tag !== ''))] }),
      ...(paths.length === 0 ? {} : { paths }),
      status: 'proposed',
      session: memory.sessionId,
      model: memory.model,
    });
    return { ok: true, record, duplicate: false };
  } catch (error) {
    // The store refuses a record it finds invalid, with a message saying why; other failures
    // (the disk) are not the model's to fix and go on.
    if (!MemoryError.isInstance(error)) throw error;
    return { ok: false, error: { kind: 'invalid-arguments', message: error.message } };
  }
}

export const rememberTool = defineTool({
  name: 'remember',
  description: readTextAsset(new URL('./remember.md', import.meta.url)),
  // Changes no project file and runs nothing, and a proposal is inert until a person accepts
  // it: never asked about. A read-only run writes nothing, so it is not offered there.
  access: 'memory',
  inputSchema: RememberInput,
  describeCall: (input) => `remember ${JSON.stringify(input.title)}`,
  execute(input, context) {
    const memory = context.memory;
    if (memory === undefined) return Promise.resolve(memoryUnavailable());
    const result = proposeMemory(input, memory, context.projectRoot);
    if (!result.ok) return Promise.resolve({ ok: false, error: result.error });
    const id = shortMemoryId(memory.store, result.record.id);
    return Promise.resolve(
      result.duplicate
        ? {
            ok: true,
            output: `Already remembered as ${id} (${result.record.status}): ${JSON.stringify(result.record.title)}. Nothing added.`,
            summary: `already remembered (${id})`,
          }
        : {
            ok: true,
            output: `Proposed memory ${id}: ${JSON.stringify(result.record.title)}. The user reviews it before later sessions use it.`,
            summary: `proposed ${id}`,
          },
    );
  },
});

function sameTitle(left: string, right: string): boolean {
  const normalize = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  return normalize(left) === normalize(right);
}

/** What remember and recall answer where the store has no memory. */
export function memoryUnavailable(): ToolResult {
  return toolError(
    'io-error',
    'Project memory is not available in this session. Say what matters in your answer instead.',
  );
}
