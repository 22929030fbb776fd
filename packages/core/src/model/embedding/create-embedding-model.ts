import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EmbeddingModel } from '@outpost/protocol';
import { z } from 'zod';
import { AgentError } from '../../errors/agent-error.js';
import { ConfigError } from '../../errors/config-error.js';
import type { EmbeddedLogLevel } from '../embedded/shared-llama.js';
import { createEmbeddedEmbeddingModel } from './embedded-embedding-model.js';
import { createOllamaEmbeddingModel } from './ollama-embedding-model.js';
import { createOpenAiCompatibleEmbeddingModel } from './openai-compatible-embedding-model.js';

/** The user's embedding model setting: a GGUF file, or a model of a server. */
export interface EmbeddingModelConfig {
  /** The path of a GGUF embedding model, or the model name a server knows. */
  model: string;
  /**
   * The server, e.g. `http://127.0.0.1:11434` (Ollama) or `http://127.0.0.1:8080/v1`. A URL
   * without a path is asked whether it is Ollama; otherwise `/v1` is added to it.
   */
  baseUrl?: string;
  /** Sent as a bearer token to an OpenAI-compatible server. */
  apiKey?: string;
  /** Threads of the embedded runtime; default the CPU's math cores less one. */
  threads?: number;
  /** Whether the embedded runtime may use a GPU; default `auto`. */
  gpu?: 'auto' | false;
  /** The composition root's guarded `fetch` (`createGuardedFetch`), so `--offline` holds. */
  fetch?: typeof fetch;
  /** How long the Ollama probe waits; default 3 s. */
  probeTimeoutMs?: number;
  /** Receives the embedded runtime's log lines (dropped without it). */
  onLog?: (level: EmbeddedLogLevel, message: string) => void;
}

const OllamaVersion = z.object({ version: z.string() });

/**
 * Picks the adapter for an embedding model setting: an existing `.gguf` file runs in this process
 * (`embedded`); with `baseUrl`, a path-less URL that answers Ollama's `GET /api/version` is
 * Ollama (`/api/embed`), and anything else an OpenAI-compatible server (`/v1/embeddings`).
 * Nothing is loaded and no embedding is made here; only the Ollama probe goes over the network.
 * Throws `ConfigError` when the setting names neither a file nor a server.
 */
export async function createEmbeddingModel(config: EmbeddingModelConfig): Promise<EmbeddingModel> {
  const fetchFunction = config.fetch ?? ((input, init) => fetch(input, init));
  const modelPath = existingGgufFile(config.model);
  if (modelPath !== undefined) {
    return createEmbeddedEmbeddingModel({
      modelPath,
      ...(config.threads === undefined ? {} : { threads: config.threads }),
      ...(config.gpu === undefined ? {} : { gpu: config.gpu }),
      ...(config.onLog === undefined ? {} : { onLog: config.onLog }),
    });
  }
  if (config.baseUrl === undefined || config.baseUrl.trim() === '') {
    const path = resolve(config.model);
    throw new ConfigError(
      /\.gguf$/i.test(config.model)
        ? `There is no embedding model file at ${path}.`
        : `The embedding model "${config.model}" is not a .gguf file and no server was given: ` +
            'give the path of a GGUF embedding model, or a server URL with the model name it knows.',
    );
  }
  const baseUrl = config.baseUrl.trim().replace(/\/+$/, '');
  let pathless: boolean;
  try {
    pathless = new URL(baseUrl).pathname === '/';
  } catch (error) {
    throw new ConfigError(`The embedding server URL "${baseUrl}" is not a valid URL.`, {
      cause: error,
    });
  }
  if (pathless && (await isOllama(baseUrl, fetchFunction, config.probeTimeoutMs ?? 3_000))) {
    return createOllamaEmbeddingModel({ baseUrl, model: config.model, fetch: fetchFunction });
  }
  return createOpenAiCompatibleEmbeddingModel({
    baseUrl: pathless ? `${baseUrl}/v1` : baseUrl,
    model: config.model,
    fetch: fetchFunction,
    ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
  });
}

/** The absolute path when `model` names an existing `.gguf` file. */
function existingGgufFile(model: string): string | undefined {
  if (!/\.gguf$/i.test(model)) return undefined;
  const path = resolve(model);
  try {
    return statSync(path).isFile() ? path : undefined;
  } catch {
    // No such file (or unreadable): the name may still be a server's model name.
    return undefined;
  }
}

/** Whether `baseUrl` answers like Ollama; an Outpost error (offline) is thrown as it is. */
async function isOllama(
  baseUrl: string,
  fetchFunction: typeof fetch,
  timeoutMs: number,
): Promise<boolean> {
  try {
    const response = await fetchFunction(`${baseUrl}/api/version`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return false;
    return OllamaVersion.safeParse(await response.json()).success;
  } catch (error) {
    if (AgentError.isInstance(error)) throw error;
    // Not Ollama, or not answering: treated as OpenAI-compatible, whose errors say more.
    return false;
  }
}
