/** HTTP statuses worth sending the same request again for: timeouts, conflicts, overload. */
export const retryableStatuses: ReadonlySet<number> = new Set([
  408, 409, 425, 429, 500, 502, 503, 504,
]);

const baseDelayMs = 500;
const maxBackoffMs = 8_000;
/** A server asking for a longer pause is honoured up to this; beyond it we would sit silent. */
const maxRetryAfterMs = 60_000;

/**
 * How long to wait before retry number `retry` (0 for the first): the server's `Retry-After`
 * when it sent one, else exponential backoff (0.5 s, 1 s, 2 s … up to 8 s) with jitter, so many
 * clients that failed together do not come back together.
 */
export function retryDelayMs(retry: number, random: () => number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, maxRetryAfterMs);
  const backoff = Math.min(baseDelayMs * 2 ** retry, maxBackoffMs);
  return Math.round(backoff * (0.5 + random() / 2));
}

/** Reads `retry-after-ms` or `retry-after` (seconds or an HTTP date); undefined when absent. */
export function parseRetryAfter(headers: Headers, now: number): number | undefined {
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number.parseFloat(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
