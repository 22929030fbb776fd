import { homedir, totalmem } from 'node:os';
import {
  ConfigError,
  chooseToolProtocol,
  createGuardedFetch,
  createModelRouter,
  discoverModels,
  IN_PROCESS,
  isUnavailableError,
  listModels,
  localityOf,
  ModelCallError,
  modelRegistryPath,
  modelsDirectory,
  readGgufSummary,
  resolveDataDirectory,
  resolveLocalModel,
  supportsToolProtocol,
  withToolProtocol,
} from '@outpost/core';
import type {
  Discovery,
  ModelCandidate,
  ModelRouter,
  RouteCandidate,
  RouterModelConfig,
  RouterPolicy,
  ToolProtocol,
} from '@outpost/core';
import type { LanguageModel } from '@outpost/protocol';
import {
  contextSizeFrom,
  createAdapter,
  findServerModel,
  nonEmpty,
  promptProfileFor,
} from './model-adapter.js';
import type { ModelChoice } from './model-choice.js';
import { modelSpeedsPath, readGenerationSpeed } from './model-speeds.js';
import type { AgentFlags, Settings } from './runtime.js';

/** What became of one configured model: a candidate (perhaps not answering), or why not. */
interface DescribedEntry {
  entry: RouterModelConfig;
  candidate?: RouteCandidate;
  /** Why its server is not answering now. */
  down?: string;
  /** Why it cannot be used at all (not found, a protocol it cannot carry). */
  problem?: string;
}

/** An in-process model's window when neither `--context-size` nor its header says otherwise. */
const EMBEDDED_CONTEXT_CAP = 8192;

/**
 * The models of `"router": { "models": […] }`, found and described for the router
 * (docs/architecture/models.md, "Router"); loaded only when a router is configured. Under
 * `local-only` a remote entry is left out before anything is asked of it. An entry that cannot be
 * found now (its server is down, no GGUF has that name) is left out with a note; the session
 * fails only when none is left. Nothing is loaded: an in-process model loads on first use.
 */
export async function chooseRoutedModel(
  flags: AgentFlags,
  settings: Settings,
): Promise<ModelChoice> {
  const config = settings.config.router ?? {};
  const policy: RouterPolicy =
    settings.policy?.policy ?? (settings.offline ? 'local-only' : (config.policy ?? 'any'));
  const entries = config.models ?? [];
  const allowed = entries.filter(
    (entry) =>
      policy === 'any' || entry.baseUrl === undefined || localityOf(entry.baseUrl) === 'local',
  );
  const remote = entries.filter((entry) => !allowed.includes(entry));
  const fetchFunction = createGuardedFetch({ offline: settings.offline });
  let discovery: Promise<Discovery> | undefined;
  const dataDirectory = resolveDataDirectory(settings.env, homedir());
  const discover = () =>
    (discovery ??= discoverModels({
      fetch: fetchFunction,
      modelsDirectory: modelsDirectory(dataDirectory),
      registryPath: modelRegistryPath(dataDirectory),
    }));
  const built = await Promise.all(
    allowed.map(async (entry): Promise<DescribedEntry> => {
      try {
        return { entry, ...(await describeEntry(entry, { flags, settings, discover })) };
      } catch (error) {
        // Not silent: the entry is named with the reason in the session's first lines.
        return { entry, problem: (error as Error).message };
      }
    }),
  );
  const candidates = built.flatMap((item) => (item.candidate ? [item.candidate] : []));
  const down = built.flatMap((item) =>
    item.candidate && item.down !== undefined
      ? [{ candidate: item.candidate, why: item.down }]
      : [],
  );
  const notes = [
    ...(remote.length === 0
      ? []
      : [
          `Left out as remote (${policy}${settings.policy?.source ? `, from ${settings.policy.source}` : ''}): ${remote.map((entry) => `${entry.name} (${entry.baseUrl ?? ''})`).join(', ')}.`,
        ]),
    ...built.flatMap((item) =>
      item.problem === undefined ? [] : [`Not available now: ${item.entry.name}: ${item.problem}`],
    ),
    ...down.map(({ candidate, why }) => `Not answering now: ${candidate.name} (${why}).`),
  ];
  if (candidates.length === 0) {
    throw new ConfigError(
      `None of the router's models can be used now. ${notes.join(' ')} Start one of them, or ` +
        'change "router": { "models": […] } in the config file.',
    );
  }
  const router = createModelRouter({
    candidates,
    policy,
    ...(config.coolOffSeconds === undefined ? {} : { coolOffMs: config.coolOffSeconds * 1000 }),
  });
  for (const { candidate, why } of down) router.markDown(candidate, why);
  const first = router.choose({ role: 'coder', needs: { tools: true } });
  if (!first.found) throw new ConfigError(first.message);
  const { candidate } = first;
  return {
    model: disposingAll(candidate.model, router),
    protocol: candidate.toolProtocol,
    profile: await promptProfileFor(candidate.model, flags, settings),
    location: candidate.location,
    note: [
      `Routing between ${candidates.map((item) => router.label(item)).join(', ')} (policy ${policy}).`,
      ...notes,
    ].join(' '),
    router,
  };
}

/**
 * Finds one configured model, builds its adapter and gathers what the router ranks by. A server
 * named by URL is asked for its model list (a few seconds at most): one that does not answer is
 * `down` from the start, so the router passes it over until its cool-off ends.
 */
async function describeEntry(
  entry: RouterModelConfig,
  context: { flags: AgentFlags; settings: Settings; discover: () => Promise<Discovery> },
): Promise<{ candidate: RouteCandidate; down?: string }> {
  const { flags, settings } = context;
  const found = await findEntry(entry, context);
  const adapter = await createAdapter(
    found,
    flags,
    settings,
    entry.apiKey === undefined ? {} : { apiKey: entry.apiKey },
  );
  const toolProtocol = protocolFor(entry, adapter, flags, settings);
  const location = found.kind === 'file' ? IN_PROCESS : found.baseUrl;
  const [contextWindow, down] = await Promise.all([
    found.kind === 'file'
      ? fileContextWindow(found.path, flags, settings)
      : (found.contextWindow ?? adapter.contextWindow()),
    found.kind === 'server' && found.provider === 'openai-compatible'
      ? notAnswering(found.baseUrl, entry, settings)
      : undefined,
  ]);
  const speeds = modelSpeedsPath(resolveDataDirectory(settings.env, homedir()));
  const candidate: RouteCandidate = {
    name: entry.name,
    model: withToolProtocol(adapter, toolProtocol),
    location,
    locality: localityOf(location),
    toolProtocol,
    contextWindow,
    tokensPerSecond: readGenerationSpeed(speeds, adapter.provider, adapter.modelId),
    roles: entry.roles ?? [],
  };
  return down === undefined ? { candidate } : { candidate, down };
}

/** Why an OpenAI-compatible server is not answering (its model list), or undefined when it is. */
async function notAnswering(
  baseUrl: string,
  entry: RouterModelConfig,
  settings: Settings,
): Promise<string | undefined> {
  const apiKey = entry.apiKey ?? settings.env.OUTPOST_API_KEY ?? settings.config.model?.apiKey;
  try {
    await listModels({
      baseUrl,
      fetch: createGuardedFetch({ offline: settings.offline }),
      timeoutMs: 3_000,
      ...(apiKey === undefined ? {} : { apiKey }),
    });
    return undefined;
  } catch (error) {
    if (ModelCallError.isInstance(error) && isUnavailableError(error.toInfo())) {
      return error.message.replace(/\.$/, '').split('. ')[0];
    }
    // It answered, if not with a list (some servers have no /models): it is there.
    return undefined;
  }
}

/** Like `--base-url URL --model NAME`, or `--model NAME` alone (this machine only). */
async function findEntry(
  entry: RouterModelConfig,
  context: { settings: Settings; discover: () => Promise<Discovery> },
): Promise<ModelCandidate> {
  const { settings } = context;
  const fetchFunction = createGuardedFetch({ offline: settings.offline });
  if (entry.baseUrl !== undefined) {
    const baseUrl = entry.baseUrl.replace(/\/+$/, '');
    return (await findServerModel(baseUrl, entry.name, undefined, settings, fetchFunction))
      .candidate;
  }
  const dataDirectory = resolveDataDirectory(settings.env, homedir());
  const resolution = await resolveLocalModel({
    name: entry.name,
    fetch: fetchFunction,
    modelsDirectory: modelsDirectory(dataDirectory),
    registryPath: modelRegistryPath(dataDirectory),
    configPath: settings.configPath,
    totalMemoryBytes: totalmem(),
    discover: context.discover,
  });
  return resolution.candidate;
}

/**
 * The entry's own protocol; else the one named by flag, environment or config when this model
 * can carry it; else the best it has.
 */
function protocolFor(
  entry: RouterModelConfig,
  model: LanguageModel,
  flags: AgentFlags,
  settings: Settings,
): ToolProtocol {
  const { capabilities } = model;
  if (entry.toolProtocol !== undefined) {
    if (supportsToolProtocol(capabilities, entry.toolProtocol)) return entry.toolProtocol;
    throw new ConfigError(
      `cannot use the ${entry.toolProtocol} tool protocol; remove its "toolProtocol" or use text.`,
    );
  }
  const wanted =
    flags.toolProtocol ??
    nonEmpty(settings.env.OUTPOST_TOOL_PROTOCOL) ??
    settings.config.model?.toolProtocol;
  const known: readonly string[] = ['native', 'constrained', 'text'];
  if (wanted !== undefined && known.includes(wanted)) {
    const protocol = wanted as ToolProtocol;
    if (supportsToolProtocol(capabilities, protocol)) return protocol;
  }
  return chooseToolProtocol(capabilities);
}

/**
 * The window an in-process model will get: `--context-size` (or the config's), else its training
 * size capped at 8,192 (`embedded-runtime.ts`), read from the GGUF header without loading it.
 */
async function fileContextWindow(
  path: string,
  flags: AgentFlags,
  settings: Settings,
): Promise<number | undefined> {
  const configured = contextSizeFrom(flags, settings);
  if (configured !== undefined) return configured;
  const summary = await readGgufSummary(path);
  return Math.min(summary.contextLength ?? EMBEDDED_CONTEXT_CAP, EMBEDDED_CONTEXT_CAP);
}

/** The first pick, whose `dispose` frees every routed model (the CLI disposes its choice). */
function disposingAll(model: LanguageModel, router: ModelRouter): LanguageModel {
  return {
    provider: model.provider,
    modelId: model.modelId,
    capabilities: model.capabilities,
    contextWindow: () => model.contextWindow(),
    countTokens: (text) => model.countTokens(text),
    stream: (request) => model.stream(request),
    dispose: async () => {
      await Promise.all(
        router.candidates.map((candidate) => candidate.model.dispose?.() ?? Promise.resolve()),
      );
    },
  };
}
