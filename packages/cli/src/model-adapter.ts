import { homedir } from 'node:os';
import {
  ConfigError,
  choosePromptProfile,
  chooseToolProtocol,
  isPromptProfile,
  PROMPT_PROFILES,
  createEmbeddedModel,
  createGuardedFetch,
  createOllamaModel,
  createOpenAiCompatibleModel,
  describeOllamaModel,
  isToolProtocol,
  listModels,
  listOllamaModels,
  resolveDataDirectory,
  selectServerModel,
  supportsToolProtocol,
  OPENAI_COMPATIBLE_CAPABILITIES,
  TOOL_PROTOCOLS,
} from '@outpost/core';
import type { ModelCandidate, PromptProfile, ToolProtocol } from '@outpost/core';
import type { LanguageModel } from '@outpost/protocol';
import { modelSpeedsPath, readPromptSpeed } from './model-speeds.js';
import { normalizeBaseUrl } from './runtime.js';
import type { AgentFlags, Settings } from './runtime.js';

/**
 * Building blocks of choosing a model (`model-choice.ts`, and the router's `model-routing.ts`):
 * finding a model on a named server, building its adapter, and deciding its tool protocol and
 * prompt profile. Nothing here loads a model.
 */

export interface FoundCandidate {
  candidate: ModelCandidate;
  notes: string[];
  autoPicked: boolean;
}

/**
 * A server named by URL. A URL with no path may be Ollama's native API (asked at `/api/version`);
 * anything else is OpenAI-compatible under `/v1`, added to a path-less URL and said.
 */
export async function findServerModel(
  baseUrl: string,
  name: string | undefined,
  preferredModel: string | undefined,
  settings: Settings,
  fetchFunction: typeof fetch,
): Promise<FoundCandidate> {
  const trimmed = baseUrl.replace(/\/+$/, '');
  const pathless = new URL(trimmed).pathname === '/';
  if (pathless && (await isOllama(trimmed, fetchFunction))) {
    let model = name;
    let notes: string[] = [];
    if (model === undefined) {
      const models = await listOllamaModels({
        baseUrl: trimmed,
        fetch: fetchFunction,
        timeoutMs: 10_000,
      });
      model = models.find((entry) => entry.name === preferredModel)?.name ?? models[0]?.name;
      if (model === undefined) {
        throw new ConfigError(
          `Ollama at ${trimmed} has no models. Pull one with: ollama pull NAME`,
        );
      }
      notes = [`Using Ollama at ${trimmed}, model ${model}.`];
    }
    return {
      candidate: {
        kind: 'server',
        provider: 'ollama',
        server: 'configured server',
        baseUrl: trimmed,
        name: model,
        contextWindow: undefined,
        loaded: false,
        capabilities: { nativeTools: false, jsonSchema: true, grammar: false, embeddings: false },
      },
      notes,
      autoPicked: name === undefined,
    };
  }
  const normalized = normalizeBaseUrl(trimmed);
  const url = normalized.url;
  const apiKey = settings.env.OUTPOST_API_KEY ?? settings.config.model?.apiKey;
  const selection = await selectServerModel({
    baseUrl: url,
    model: name,
    ...(preferredModel === undefined ? {} : { preferredModel }),
    listModels: (listUrl, options) =>
      listModels({
        baseUrl: listUrl,
        timeoutMs: options.timeoutMs,
        fetch: fetchFunction,
        ...(apiKey ? { apiKey } : {}),
      }),
  });
  const notes = [
    ...(normalized.note === undefined ? [] : [normalized.note]),
    ...(selection.note === undefined ? [] : [selection.note]),
  ];
  return {
    candidate: {
      kind: 'server',
      provider: 'openai-compatible',
      server: 'configured server',
      baseUrl: url,
      name: selection.model,
      contextWindow: undefined,
      loaded: true,
      capabilities: OPENAI_COMPATIBLE_CAPABILITIES,
    },
    notes,
    autoPicked: name === undefined,
  };
}

async function isOllama(baseUrl: string, fetchFunction: typeof fetch): Promise<boolean> {
  try {
    const response = await fetchFunction(`${baseUrl}/api/version`, {
      signal: AbortSignal.timeout(3_000),
    });
    if (!response.ok) return false;
    const body = (await response.json()) as { version?: unknown };
    return typeof body.version === 'string';
  } catch {
    // Not Ollama (or not answering): treated as an OpenAI-compatible server, which says more.
    return false;
  }
}

/** The adapter for a found model; `apiKey` overrides the configured one (a router model's own). */
export async function createAdapter(
  candidate: ModelCandidate,
  flags: AgentFlags,
  settings: Settings,
  options: { apiKey?: string } = {},
): Promise<LanguageModel> {
  const { config, env } = settings;
  const fetchFunction = createGuardedFetch({ offline: settings.offline });
  const idleTimeoutMs =
    config.model?.idleTimeoutSeconds === undefined
      ? {}
      : { idleTimeoutMs: config.model.idleTimeoutSeconds * 1000 };
  const maxRetries =
    config.model?.maxRetries === undefined ? {} : { maxRetries: config.model.maxRetries };
  if (candidate.kind === 'file') {
    const contextSize = contextSizeFrom(flags, settings);
    return createEmbeddedModel({
      modelPath: candidate.path,
      name: candidate.name,
      gpu: config.model?.gpu ?? 'auto',
      ...(contextSize === undefined ? {} : { contextSize }),
      ...(config.model?.threads === undefined ? {} : { threads: config.model.threads }),
      onLog: (level, message) => {
        if (env.OUTPOST_DEBUG) process.stderr.write(`[llama.cpp ${level}] ${message}\n`);
      },
    });
  }
  if (candidate.provider === 'ollama') {
    const description = await describeOllamaModel({
      baseUrl: candidate.baseUrl,
      model: candidate.name,
      fetch: fetchFunction,
      timeoutMs: 10_000,
    });
    return createOllamaModel({
      baseUrl: candidate.baseUrl,
      model: candidate.name,
      fetch: fetchFunction,
      description,
      ...(config.model?.keepAlive === undefined ? {} : { keepAlive: config.model.keepAlive }),
      ...idleTimeoutMs,
      ...maxRetries,
    });
  }
  const apiKey = options.apiKey ?? env.OUTPOST_API_KEY ?? config.model?.apiKey;
  return createOpenAiCompatibleModel({
    baseUrl: candidate.baseUrl,
    model: candidate.name,
    fetch: fetchFunction,
    ...(apiKey ? { apiKey } : {}),
    ...idleTimeoutMs,
    ...maxRetries,
  });
}

export function toolProtocolFor(
  model: LanguageModel,
  flags: AgentFlags,
  settings: Settings,
): ToolProtocol {
  const value =
    flags.toolProtocol ??
    nonEmpty(settings.env.OUTPOST_TOOL_PROTOCOL) ??
    settings.config.model?.toolProtocol;
  if (value === undefined) return chooseToolProtocol(model.capabilities);
  if (!isToolProtocol(value)) {
    throw new ConfigError(
      `Unknown tool protocol "${value}". Use one of: ${TOOL_PROTOCOLS.join(', ')}.`,
    );
  }
  if (!supportsToolProtocol(model.capabilities, value)) {
    throw new ConfigError(
      `The ${model.provider} model ${model.modelId} cannot use the ${value} tool protocol ` +
        `(it has no ${value === 'native' ? 'native tool calling' : 'constrained decoding'}). ` +
        `Use --tool-protocol ${chooseToolProtocol(model.capabilities)} or text.`,
    );
  }
  return value;
}

export async function promptProfileFor(
  model: LanguageModel,
  flags: AgentFlags,
  settings: Settings,
): Promise<PromptProfile> {
  const value =
    flags.promptProfile ??
    nonEmpty(settings.env.OUTPOST_PROMPT_PROFILE) ??
    settings.config.promptProfile;
  if (value !== undefined) {
    if (!isPromptProfile(value)) {
      throw new ConfigError(
        `Unknown prompt profile "${value}". Use one of: ${PROMPT_PROFILES.join(', ')}.`,
      );
    }
    return value;
  }
  const speeds = modelSpeedsPath(resolveDataDirectory(settings.env, homedir()));
  return choosePromptProfile({
    contextWindow: await model.contextWindow(),
    promptTokensPerSecond: readPromptSpeed(speeds, model.provider, model.modelId),
  });
}

export function contextSizeFrom(flags: AgentFlags, settings: Settings): number | undefined {
  if (flags.contextSize === undefined) return settings.config.model?.contextSize;
  const value = Number(flags.contextSize);
  if (!Number.isInteger(value) || value < 256 || value > 1_048_576) {
    throw new ConfigError(
      `--context-size must be a whole number of tokens from 256 to 1048576, not "${flags.contextSize}".`,
    );
  }
  return value;
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
