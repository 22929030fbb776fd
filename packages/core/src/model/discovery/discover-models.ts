import type { ModelCapabilities } from '@outpost/protocol';
import {
  describeOllamaModel,
  listOllamaModels,
  listRunningOllamaModels,
} from '../ollama/ollama-models.js';
import { readLlamaCppContextWindow } from '../openai-compatible/llama-cpp-context-window.js';
import { listModels } from '../openai-compatible/list-models.js';
import { readGgufSummary } from './gguf-summary.js';
import { listLocalModels } from './local-models.js';
import type { LocalModel } from './local-models.js';

/** The local model servers Outpost looks for, on loopback only, in order of preference. */
export const LOCAL_SERVERS = [
  {
    server: 'llama.cpp server',
    provider: 'openai-compatible',
    baseUrl: 'http://127.0.0.1:8080/v1',
  },
  { server: 'LM Studio', provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:1234/v1' },
  { server: 'Ollama', provider: 'ollama', baseUrl: 'http://127.0.0.1:11434' },
] as const;

export type ServerName = (typeof LOCAL_SERVERS)[number]['server'];
export type LocalServer =
  | (typeof LOCAL_SERVERS)[number]
  | { server: ServerName; provider: 'openai-compatible' | 'ollama'; baseUrl: string };

/** A model Outpost can use right now: served by a local server, or a GGUF file to run in-process. */
export type ModelCandidate =
  | {
      kind: 'server';
      provider: 'openai-compatible' | 'ollama';
      server: ServerName | 'configured server';
      baseUrl: string;
      name: string;
      contextWindow: number | undefined;
      /** The server has it in memory now (answers without a load). */
      loaded: boolean;
      capabilities: ModelCapabilities;
      sizeBytes?: number;
    }
  | {
      kind: 'file';
      provider: 'embedded';
      source: LocalModel['source'];
      name: string;
      path: string;
      sizeBytes: number;
      /** The context the model was trained for (Outpost loads up to 8,192 of it by default). */
      contextWindow: number | undefined;
      capabilities: ModelCapabilities;
      /** Set when the header could not be read: the file is listed, but cannot run. */
      problem?: string;
    };

export interface ServerProbe {
  server: ServerName;
  baseUrl: string;
  reachable: boolean;
}

export interface Discovery {
  candidates: ModelCandidate[];
  servers: ServerProbe[];
}

export const EMBEDDED_CAPABILITIES: ModelCapabilities = {
  nativeTools: false,
  jsonSchema: true,
  grammar: true,
  embeddings: false,
};

export const OPENAI_COMPATIBLE_CAPABILITIES: ModelCapabilities = {
  nativeTools: true,
  jsonSchema: true,
  grammar: false,
  embeddings: false,
};

/**
 * Finds every model reachable now: models of the local servers on their default loopback ports
 * (probed in parallel, each with a short timeout) and GGUF files in the models folder or added by
 * path. Nothing outside this machine is contacted. `details` also asks each Ollama model for its
 * context length and capabilities and reads each GGUF header (for `models list`).
 */
export async function discoverModels(options: {
  fetch: typeof fetch;
  modelsDirectory: string;
  registryPath: string;
  probeTimeoutMs?: number;
  details?: boolean;
  /** Where to look for servers; default `LOCAL_SERVERS` (tests point it at fakes). */
  servers?: readonly LocalServer[];
}): Promise<Discovery> {
  const timeoutMs = options.probeTimeoutMs ?? 1500;
  const details = options.details ?? false;
  const probes = await Promise.all(
    (options.servers ?? LOCAL_SERVERS).map(async (entry) => {
      try {
        const models =
          entry.provider === 'ollama'
            ? await probeOllama(entry.baseUrl, options.fetch, timeoutMs, details)
            : await probeOpenAiCompatible(entry.server, entry.baseUrl, options.fetch, timeoutMs);
        return { probe: { server: entry.server, baseUrl: entry.baseUrl, reachable: true }, models };
      } catch {
        // Not running there: the usual case for all but one of them.
        return {
          probe: { server: entry.server, baseUrl: entry.baseUrl, reachable: false },
          models: [],
        };
      }
    }),
  );
  const files = listLocalModels(options);
  const fileCandidates = await Promise.all(
    files.map((file) => (details ? describeFile(file) : Promise.resolve(fileCandidate(file)))),
  );
  return {
    candidates: [...probes.flatMap((probe) => probe.models), ...fileCandidates],
    servers: probes.map((probe) => probe.probe),
  };
}

async function probeOpenAiCompatible(
  server: ServerName,
  baseUrl: string,
  fetchFunction: typeof fetch,
  timeoutMs: number,
): Promise<ModelCandidate[]> {
  const names = await listModels({ baseUrl, fetch: fetchFunction, timeoutMs });
  // llama.cpp server serves the one model it was started with; /props tells its loaded context.
  const contextWindow =
    server === 'llama.cpp server'
      ? await readLlamaCppContextWindow({ baseUrl, headers: {}, fetch: fetchFunction, timeoutMs })
      : undefined;
  return names.map((name) => ({
    kind: 'server',
    provider: 'openai-compatible',
    server,
    baseUrl,
    name,
    contextWindow,
    loaded: server === 'llama.cpp server',
    capabilities: OPENAI_COMPATIBLE_CAPABILITIES,
  }));
}

async function probeOllama(
  baseUrl: string,
  fetchFunction: typeof fetch,
  timeoutMs: number,
  details: boolean,
): Promise<ModelCandidate[]> {
  const [models, running] = await Promise.all([
    listOllamaModels({ baseUrl, fetch: fetchFunction, timeoutMs }),
    listRunningOllamaModels({ baseUrl, fetch: fetchFunction, timeoutMs }).catch(() => []),
  ]);
  const loaded = new Set(running.map((model) => model.name));
  return Promise.all(
    models.map(async (model): Promise<ModelCandidate> => {
      const description = details
        ? await describeOllamaModel({
            baseUrl,
            model: model.name,
            fetch: fetchFunction,
            timeoutMs,
          }).catch(() => undefined)
        : undefined;
      const capabilities = description?.capabilities ?? [];
      return {
        kind: 'server',
        provider: 'ollama',
        server: 'Ollama',
        baseUrl,
        name: model.name,
        contextWindow: description?.contextLength,
        loaded: loaded.has(model.name),
        capabilities: {
          nativeTools: capabilities.includes('tools'),
          jsonSchema: true,
          grammar: false,
          embeddings: capabilities.includes('embedding'),
        },
        sizeBytes: model.sizeBytes,
      };
    }),
  );
}

type FileCandidate = Extract<ModelCandidate, { kind: 'file' }>;

function fileCandidate(file: LocalModel): FileCandidate {
  return {
    kind: 'file',
    provider: 'embedded',
    source: file.source,
    name: file.name,
    path: file.path,
    sizeBytes: file.sizeBytes,
    contextWindow: undefined,
    capabilities: EMBEDDED_CAPABILITIES,
  };
}

async function describeFile(file: LocalModel): Promise<FileCandidate> {
  const candidate = fileCandidate(file);
  try {
    const summary = await readGgufSummary(file.path);
    return {
      ...candidate,
      contextWindow: summary.contextLength,
      capabilities: { ...EMBEDDED_CAPABILITIES, embeddings: summary.embeddingOnly },
    };
  } catch (error) {
    return { ...candidate, problem: (error as Error).message };
  }
}
