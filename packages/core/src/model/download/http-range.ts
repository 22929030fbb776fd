/**
 * The parts of HTTP range requests (RFC 9110 §14) a resumable download needs: reading
 * `Content-Range`, and choosing the validator for `If-Range`.
 */

/** A parsed `Content-Range`: `bytes 100-199/1000`, or `bytes * /1000` on a 416. */
export interface ContentRange {
  /** First byte of this part; undefined for the unsatisfied form (`bytes * /1000`). */
  start: number | undefined;
  /** Last byte of this part, inclusive; undefined for the unsatisfied form. */
  end: number | undefined;
  /** The whole file's size; undefined when the server wrote `*`. */
  totalBytes: number | undefined;
}

export function parseContentRange(header: string | null): ContentRange | undefined {
  if (header === null) return undefined;
  const match = /^\s*bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)\s*$/i.exec(header);
  if (match === null) return undefined;
  const [, start, end, total] = match;
  const toNumber = (text: string | undefined) =>
    text === undefined || text === '*' ? undefined : Number(text);
  return { start: toNumber(start), end: toNumber(end), totalBytes: toNumber(total) };
}

/**
 * The validator to send in `If-Range`, from what the server said about the file: a strong ETag,
 * else Last-Modified. A weak ETag (`W/"…"`) is not allowed in `If-Range`.
 */
export function ifRangeValidator(
  etag: string | undefined,
  lastModified: string | undefined,
): string | undefined {
  if (etag !== undefined && etag !== '' && !etag.startsWith('W/')) return etag;
  return lastModified === '' ? undefined : lastModified;
}

/**
 * The size of a 200 response's body from `Content-Length`; undefined when absent, malformed,
 * or when a content encoding makes it count compressed bytes.
 */
export function bodyLength(headers: Headers): number | undefined {
  const encoding = headers.get('content-encoding');
  if (encoding !== null && encoding.toLowerCase() !== 'identity') return undefined;
  const text = headers.get('content-length');
  if (text === null || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text.trim());
}
