import { ConfigError } from '../errors/config-error.js';
import { ModelCallError } from '../errors/model-call-error.js';

/** Local servers Outpost looks for when none is configured, in order of preference (loopback only). */
export const WELL_KNOWN_SERVERS = [
  { name: 'llama.cpp server', baseUrl: 'http://127.0.0.1:8080/v1' },
  { name: 'LM Studio', baseUrl: 'http://127.0.0.1:1234/v1' },
  { name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1' },
] as const;

export interface ModelSelection {
  baseUrl: string;
  model: string;
  /** One line telling the user what was picked for them, when they did not say. */
  note: string | undefined;
}

export type ListModels = (baseUrl: string, options: { timeoutMs: number }) => Promise<string[]>;

/**
 * Decides which server and model a run uses. An explicit base URL and model are used as given
 * (no network call). A missing model is the preferred one if the server has it, else the first
 * the server lists. A missing base URL means probing the well-known loopback ports; nothing
 * outside this machine is ever contacted.
 */
export async function selectModel(options: {
  baseUrl: string | undefined;
  model: string | undefined;
  /** A model to prefer when none was named (a resumed session's model). */
  preferredModel?: string;
  listModels: ListModels;
  /** Named in the error so the user knows where to configure a server. */
  configPath: string;
  probeTimeoutMs?: number;
}): Promise<ModelSelection> {
  const { baseUrl, model, preferredModel, listModels, configPath } = options;
  const probeTimeoutMs = options.probeTimeoutMs ?? 1500;

  if (baseUrl !== undefined) {
    if (model !== undefined) return { baseUrl, model, note: undefined };
    let names: string[];
    try {
      names = await listModels(baseUrl, { timeoutMs: 10_000 });
    } catch (error) {
      const reason = ModelCallError.isInstance(error) ? error.message : (error as Error).message;
      throw new ConfigError(`${reason} Name the model with --model NAME to skip this lookup.`, {
        cause: error,
      });
    }
    const chosen = choose(names, preferredModel);
    if (chosen === undefined) {
      throw new ConfigError(
        `The model server at ${baseUrl} lists no models. Load a model in it, or name one with --model NAME.`,
      );
    }
    return { baseUrl, model: chosen, note: `Using model ${chosen} at ${baseUrl}.` };
  }

  const probes = await Promise.all(
    WELL_KNOWN_SERVERS.map(async (server) => {
      try {
        return { server, names: await listModels(server.baseUrl, { timeoutMs: probeTimeoutMs }) };
      } catch {
        // Not running there (the usual case for all but one of them): try the next one.
        return { server, names: undefined };
      }
    }),
  );
  for (const { server, names } of probes) {
    if (names === undefined) continue;
    const chosen = model ?? choose(names, preferredModel);
    if (chosen === undefined) continue;
    return {
      baseUrl: server.baseUrl,
      model: chosen,
      note: `Using ${server.name} at ${server.baseUrl}, model ${chosen}.`,
    };
  }
  const places = WELL_KNOWN_SERVERS.map(
    (server) => `${server.name} (${new URL(server.baseUrl).host})`,
  );
  const looked = `${places.slice(0, -1).join(', ')} and ${places.at(-1) ?? ''}`;
  throw new ConfigError(
    [
      `No model server is reachable. Outpost looked for ${looked}.`,
      'Start one of them (for example: llama-server -m model.gguf --port 8080),',
      'or point Outpost at your server: --base-url http://HOST:PORT/v1 --model NAME',
      `(or set OUTPOST_BASE_URL and OUTPOST_MODEL, or "model": { "baseUrl", "name" } in ${configPath}).`,
    ].join('\n'),
  );
}

function choose(names: string[], preferred: string | undefined): string | undefined {
  if (preferred !== undefined && names.includes(preferred)) return preferred;
  return names[0];
}
