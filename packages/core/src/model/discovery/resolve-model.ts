import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../../errors/config-error.js';
import { pickBestModel, describeCandidate } from './best-model.js';
import { EMBEDDED_CAPABILITIES, LOCAL_SERVERS, discoverModels } from './discover-models.js';
import type { Discovery, ModelCandidate } from './discover-models.js';
import { findLocalModel, modelNameFromPath } from './local-models.js';

export interface ModelResolution {
  candidate: ModelCandidate;
  /** One line telling the user what was picked for them, when they did not name it exactly. */
  note: string | undefined;
}

/**
 * Decides which model a run uses when no server URL was given (`--model` may name a GGUF path, a
 * GGUF known to Outpost, or a model of a local server; with no name the best available is picked).
 * Only loopback servers and local files are looked at.
 */
export async function resolveLocalModel(options: {
  name: string | undefined;
  /** A model to prefer when none was named (a resumed session's model). */
  preferredName?: string;
  fetch: typeof fetch;
  modelsDirectory: string;
  registryPath: string;
  configPath: string;
  totalMemoryBytes: number;
  probeTimeoutMs?: number;
  /** Injected by tests; default: `discoverModels`. */
  discover?: () => Promise<Discovery>;
}): Promise<ModelResolution> {
  const { name } = options;
  if (name !== undefined && looksLikePath(name)) {
    const path = resolve(name);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new ConfigError(`There is no model file at ${path}.`);
    }
    return {
      candidate: {
        kind: 'file',
        provider: 'embedded',
        source: 'added',
        name: modelNameFromPath(path),
        path,
        sizeBytes: statSync(path).size,
        contextWindow: undefined,
        capabilities: EMBEDDED_CAPABILITIES,
      },
      note: undefined,
    };
  }
  const discovery = await (
    options.discover ??
    (() =>
      discoverModels({
        fetch: options.fetch,
        modelsDirectory: options.modelsDirectory,
        registryPath: options.registryPath,
        ...(options.probeTimeoutMs === undefined ? {} : { probeTimeoutMs: options.probeTimeoutMs }),
      }))
  )();

  if (name !== undefined) {
    const found = findByName(discovery.candidates, name);
    if (found) return { candidate: found, note: undefined };
    const known = discovery.candidates.map((candidate) => candidate.name);
    throw new ConfigError(
      `No model named "${name}" is available. ` +
        (known.length > 0
          ? `Available now: ${known.join(', ')}.`
          : 'No local model server is running and no GGUF file is known.') +
        ' See outpost models list, or give a GGUF path with --model.',
    );
  }
  if (options.preferredName !== undefined) {
    const preferred = findByName(discovery.candidates, options.preferredName);
    if (preferred) return { candidate: preferred, note: `Using ${describeCandidate(preferred)}.` };
  }
  const best = pickBestModel(discovery.candidates, { totalMemoryBytes: options.totalMemoryBytes });
  if (best) return { candidate: best, note: `Using ${describeCandidate(best)}.` };
  throw noModelError(options.configPath, options.modelsDirectory);
}

function findByName(
  candidates: readonly ModelCandidate[],
  name: string,
): ModelCandidate | undefined {
  const files = candidates.flatMap((candidate) => (candidate.kind === 'file' ? [candidate] : []));
  const file = findLocalModel(files, name);
  if (file) return file;
  return candidates.find((candidate) => candidate.kind === 'server' && candidate.name === name);
}

function looksLikePath(name: string): boolean {
  return /\.gguf$/i.test(name) || (name.includes('/') && existsSync(name));
}

function noModelError(configPath: string, modelsDirectory: string): ConfigError {
  const places = LOCAL_SERVERS.map(
    (server) => `${server.server} (${new URL(server.baseUrl).host})`,
  );
  const looked = `${places.slice(0, -1).join(', ')} and ${places.at(-1) ?? ''}`;
  return new ConfigError(
    [
      `No model is available. Outpost looked for ${looked}, and for GGUF files in ${modelsDirectory}.`,
      'Run a GGUF in-process: outpost models pull qwen2.5-coder-1.5b (while online), or --model /path/to/model.gguf;',
      'or start a server (for example: llama-server -m model.gguf --port 8080, or ollama serve);',
      'or point Outpost at your server: --base-url http://HOST:PORT/v1 --model NAME',
      `(or set OUTPOST_BASE_URL and OUTPOST_MODEL, or "model": { "baseUrl", "name" } in ${configPath}).`,
    ].join('\n'),
  );
}
