import type { Hash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import type { IdleTimeout } from '../idle-timeout.js';
import { diskDownloadError } from './download-messages.js';
import type { DownloadProgress } from './download-options.js';

/** What streaming one response body into the partial file needs. */
export interface BodyContext {
  response: Response;
  /** Watches each read, so a stalled connection fails and a slow one never does. */
  idle: IdleTimeout;
  /** The partial file. */
  path: string;
  /** True to append (a 206 continuing the partial), false to write it from the start. */
  append: boolean;
  /** Already fed with the kept bytes when appending. */
  hash: Hash;
  /** The file's first bytes seen so far (up to four, for the GGUF magic). */
  head: Buffer;
  /** Bytes already in the partial file before this body. */
  offset: number;
  totalBytes: number | undefined;
  onProgress: ((progress: DownloadProgress) => void) | undefined;
}

export interface BodyWritten {
  /** Bytes in the partial file now. */
  receivedBytes: number;
  /** The file's first four bytes (fewer if the file is shorter). */
  head: Buffer;
}

const magicLength = 4;

/**
 * Streams the body into the partial file, hashing as it goes and reporting progress after each
 * chunk. Stops early, without reading the rest, once the first four bytes are known not to be
 * the GGUF magic. A failed read or write is turned into an error by `failure`, after the bytes
 * received so far are safely in the file.
 */
export async function writeResponseBody(
  context: BodyContext,
  failure: (error: unknown, receivedBytes: number) => Error,
): Promise<BodyWritten> {
  const { idle, hash, totalBytes, offset } = context;
  let head = context.head;
  let receivedBytes = offset;
  const report = () =>
    context.onProgress?.({
      receivedBytes,
      totalBytes,
      resumedFromBytes: context.append ? offset : 0,
    });

  let file: FileHandle;
  try {
    file = await open(context.path, context.append ? 'a' : 'w');
  } catch (error) {
    throw diskDownloadError(context.path, error);
  }
  try {
    report();
    const body = context.response.body;
    if (body === null) return { receivedBytes, head };
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await idle.watch(reader.read());
      } catch (error) {
        throw failure(error, receivedBytes);
      }
      if (chunk.done) break;
      const bytes = chunk.value;
      if (bytes.length === 0) continue;
      if (head.length < magicLength) {
        head = Buffer.concat([head, bytes.subarray(0, magicLength - head.length)]);
        if (head.length === magicLength && head.toString('latin1') !== 'GGUF') {
          await reader.cancel().catch(() => undefined);
          return { receivedBytes, head };
        }
      }
      try {
        // A write may take fewer bytes than given; the rest follows until all are on disk.
        for (let written = 0; written < bytes.length;) {
          written += (await file.write(bytes, written)).bytesWritten;
        }
      } catch (error) {
        await reader.cancel().catch(() => undefined);
        throw diskDownloadError(context.path, error);
      }
      hash.update(bytes);
      receivedBytes += bytes.length;
      report();
    }
    return { receivedBytes, head };
  } finally {
    await file.close();
  }
}
