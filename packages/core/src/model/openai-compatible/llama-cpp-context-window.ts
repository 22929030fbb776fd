import { z } from 'zod';

const Props = z.object({
  default_generation_settings: z.object({ n_ctx: z.number().int().positive() }).optional(),
  n_ctx: z.number().int().positive().optional(),
});

/**
 * The context window a llama.cpp server has loaded, from `GET {server}/props`
 * (`default_generation_settings.n_ctx`). Best effort: undefined for servers that are not
 * llama.cpp, unreachable, or slower than `timeoutMs` to answer.
 */
export async function readLlamaCppContextWindow(options: {
  baseUrl: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  timeoutMs?: number;
}): Promise<number | undefined> {
  const server = options.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  try {
    const response = await options.fetch(`${server}/props`, {
      headers: options.headers,
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
    if (!response.ok) return undefined;
    const props = Props.safeParse(await response.json());
    if (!props.success) return undefined;
    return props.data.default_generation_settings?.n_ctx ?? props.data.n_ctx;
  } catch {
    // Best effort by contract: a server without /props simply has no known context window.
    return undefined;
  }
}
