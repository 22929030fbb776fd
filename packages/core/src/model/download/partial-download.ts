import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Where a download lives while it is incomplete. The partial file is hidden and does not end in
 * `.gguf` (`.NAME.gguf.partial`), so nothing that lists models can mistake it for one; its
 * sidecar (`.NAME.gguf.partial.json`) records what the bytes are, so a later run can resume.
 */
export interface DownloadPaths {
  /** `<directory>/NAME.gguf`: exists only when complete and verified. */
  final: string;
  /** `<directory>/.NAME.gguf.partial` */
  partial: string;
  /** `<directory>/.NAME.gguf.partial.json` */
  sidecar: string;
}

export function downloadPaths(directory: string, fileName: string): DownloadPaths {
  const partial = join(directory, `.${fileName}.partial`);
  return { final: join(directory, fileName), partial, sidecar: `${partial}.json` };
}

/** What the sidecar records about a partial file: enough to ask the server for the rest. */
export const PartialDownloadRecord = z.object({
  /** The URL the bytes came from; a partial of another URL is never resumed. */
  url: z.string(),
  /** The server's validators, sent back in `If-Range` so a changed file is not spliced. */
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  /** The whole file's size as the server reported it, when it did. */
  totalBytes: z.number().int().nonnegative().optional(),
  /** The size the caller expected, when known. */
  expectedSize: z.number().int().nonnegative().optional(),
});
export type PartialDownloadRecord = z.infer<typeof PartialDownloadRecord>;

/** The sidecar's record; undefined when missing or unreadable (the partial is then not trusted). */
export async function readPartialRecord(
  sidecarPath: string,
): Promise<PartialDownloadRecord | undefined> {
  let text: string;
  try {
    text = await readFile(sidecarPath, 'utf8');
  } catch {
    // No sidecar (or unreadable): there is nothing to resume from.
    return undefined;
  }
  try {
    const parsed = PartialDownloadRecord.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Not JSON (a write cut short): treated like a missing sidecar, so the download restarts.
    return undefined;
  }
}

/** Writes the sidecar whole or not at all (a temporary file renamed over it). */
export async function writePartialRecord(
  sidecarPath: string,
  record: PartialDownloadRecord,
): Promise<void> {
  const temporary = `${sidecarPath}.tmp`;
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`, 'utf8');
  await rename(temporary, sidecarPath);
}

/** Deletes the partial file and its sidecar; missing ones are fine. */
export async function removePartial(paths: DownloadPaths): Promise<void> {
  await rm(paths.partial, { force: true });
  await rm(paths.sidecar, { force: true });
  await rm(`${paths.sidecar}.tmp`, { force: true });
}

/**
 * Feeds the first `length` bytes of a file into `hash` (all of it when `length` is omitted) and
 * returns how many bytes were read and the first four (for the GGUF magic check).
 */
export async function hashFile(
  path: string,
  hash: Hash,
  length?: number,
): Promise<{ bytes: number; head: Buffer }> {
  if (length === 0) return { bytes: 0, head: Buffer.alloc(0) };
  let bytes = 0;
  const head: Buffer[] = [];
  let headBytes = 0;
  const stream = createReadStream(path, length === undefined ? {} : { end: length - 1 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    if (headBytes < 4) {
      head.push(chunk.subarray(0, 4 - headBytes));
      headBytes += Math.min(chunk.length, 4 - headBytes);
    }
  }
  return { bytes, head: Buffer.concat(head) };
}
