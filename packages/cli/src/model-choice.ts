import { homedir, totalmem } from 'node:os';
import {
  ConfigError,
  assertReachable,
  createGuardedFetch,
  modelRegistryPath,
  modelsDirectory,
  resolveDataDirectory,
  resolveLocalModel,
  withToolProtocol,
} from '@outpost/core';
import type { ModelRouter, PromptProfile, ToolProtocol } from '@outpost/core';
import type { LanguageModel } from '@outpost/protocol';
import {
  createAdapter,
  findServerModel,
  nonEmpty,
  promptProfileFor,
  toolProtocolFor,
} from './model-adapter.js';
import type { FoundCandidate } from './model-adapter.js';
import { assertAllowedByPolicy } from './project-policy.js';
import type { AgentFlags, Settings } from './runtime.js';

export interface ModelChoice {
  /** The adapter behind its tool protocol: what the agent loop talks to. */
  model: LanguageModel;
  protocol: ToolProtocol;
  /** How much prompt the model gets, from its window and measured speed (or as configured). */
  profile: PromptProfile;
  /** Where the model runs, in a few words: a server URL or `in-process`. */
  location: string;
  /** One line telling the user what was picked for them, when they did not name it exactly. */
  note: string | undefined;
  /** With `"router"` in the config: picks each step's model; `model` is its first pick. */
  router?: ModelRouter;
}

/**
 * Finds the model a command uses and builds its adapter. Flags beat environment variables, which
 * beat the config file; with no server named, Outpost looks only at this machine (loopback
 * servers and GGUF files). Nothing is loaded here: an in-process model loads on its first use.
 * With `"router": { "models": […] }` in the config and no model named by flag or environment,
 * the router picks among the configured models instead (`model-routing.ts`).
 */
export async function chooseModel(
  flags: AgentFlags,
  settings: Settings,
  preferredModel?: string,
): Promise<ModelChoice> {
  if (routesModels(flags, settings)) {
    // Loaded only when a router is configured: without one, start-up does not change.
    const { chooseRoutedModel } = await import('./model-routing.js');
    return chooseRoutedModel(flags, settings);
  }
  const candidate = await findCandidate(flags, settings, preferredModel);
  const adapter = await createAdapter(candidate.candidate, flags, settings);
  const protocol = toolProtocolFor(adapter, flags, settings);
  const profile = await promptProfileFor(adapter, flags, settings);
  const where = candidate.candidate.kind === 'file' ? 'in-process' : candidate.candidate.baseUrl;
  const notes = [...candidate.notes];
  if (candidate.autoPicked) notes.push(`Tool calls: ${protocol}.`);
  return {
    model: withToolProtocol(adapter, protocol),
    protocol,
    profile,
    location: where,
    note: notes.length > 0 ? notes.join(' ') : undefined,
  };
}

async function findCandidate(
  flags: AgentFlags,
  settings: Settings,
  preferredModel: string | undefined,
): Promise<FoundCandidate> {
  const { config, env, configPath } = settings;
  const fetchFunction = createGuardedFetch({ offline: settings.offline });
  const name = flags.model ?? nonEmpty(env.OUTPOST_MODEL) ?? config.model?.name;
  const baseUrl = flags.baseUrl ?? nonEmpty(env.OUTPOST_BASE_URL) ?? config.model?.baseUrl;
  if (baseUrl !== undefined) {
    if (!/^https?:\/\/[^/]/.test(baseUrl)) {
      throw new ConfigError(`The model server URL "${baseUrl}" is not an http:// or https:// URL.`);
    }
    assertAllowedByPolicy(baseUrl, settings);
    assertReachable(baseUrl, settings.offline);
    return findServerModel(baseUrl, name, preferredModel, settings, fetchFunction);
  }
  const dataDirectory = resolveDataDirectory(env, homedir());
  const resolution = await resolveLocalModel({
    name,
    ...(preferredModel === undefined ? {} : { preferredName: preferredModel }),
    fetch: fetchFunction,
    modelsDirectory: modelsDirectory(dataDirectory),
    registryPath: modelRegistryPath(dataDirectory),
    configPath,
    totalMemoryBytes: totalmem(),
  });
  return {
    candidate: resolution.candidate,
    notes: resolution.note === undefined ? [] : [resolution.note],
    autoPicked: resolution.note !== undefined,
  };
}

/** The router decides, unless a model is named on the command line or in the environment. */
function routesModels(flags: AgentFlags, settings: Settings): boolean {
  const { env } = settings;
  return (
    settings.config.router?.models !== undefined &&
    flags.model === undefined &&
    flags.baseUrl === undefined &&
    nonEmpty(env.OUTPOST_MODEL) === undefined &&
    nonEmpty(env.OUTPOST_BASE_URL) === undefined
  );
}
