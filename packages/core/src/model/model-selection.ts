import { ConfigError } from '../errors/config-error.js';
import { ModelCallError } from '../errors/model-call-error.js';

export interface ModelSelection {
  baseUrl: string;
  model: string;
  /** One line telling the user what was picked for them, when they did not say. */
  note: string | undefined;
}

export type ListModels = (baseUrl: string, options: { timeoutMs: number }) => Promise<string[]>;

/**
 * Decides which model of a named server a run uses. An explicit model is used as given (no
 * network call). A missing model is the preferred one if the server has it, else the first the
 * server lists. (With no server named, `resolveLocalModel` looks at this machine instead.)
 */
export async function selectServerModel(options: {
  baseUrl: string;
  model: string | undefined;
  /** A model to prefer when none was named (a resumed session's model). */
  preferredModel?: string;
  listModels: ListModels;
}): Promise<ModelSelection> {
  const { baseUrl, model, preferredModel, listModels } = options;
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

function choose(names: string[], preferred: string | undefined): string | undefined {
  if (preferred !== undefined && names.includes(preferred)) return preferred;
  return names[0];
}
