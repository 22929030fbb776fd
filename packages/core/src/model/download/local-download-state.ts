import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { existingFileError } from './download-messages.js';
import type { DownloadModelResult } from './download-options.js';
import { ifRangeValidator } from './http-range.js';
import {
  type DownloadPaths,
  hashFile,
  readPartialRecord,
  removePartial,
} from './partial-download.js';

/** What is already on disk before a download starts: a finished model, or a partial one. */

/** The four bytes every GGUF file starts with. */
export const ggufMagic = Buffer.from('GGUF', 'ascii');

/** Where to resume a download from: the partial's length and the `If-Range` validator. */
export interface Resume {
  offset: number;
  validator: string | undefined;
  /** The whole file's size as the server reported it earlier, when it did. */
  totalBytes: number | undefined;
}

/**
 * Where the partial file can be resumed from, when it can: same URL as recorded in its sidecar,
 * not longer than the file, and guarded by a validator or a known checksum. Otherwise the partial
 * and its sidecar are deleted and undefined is returned.
 */
export async function resumableBytes(
  paths: DownloadPaths,
  url: string,
  expectedSize: number | undefined,
  expectedSha256: string | undefined,
): Promise<Resume | undefined> {
  const size = await fileSize(paths.partial);
  const record = await readPartialRecord(paths.sidecar);
  const validator = ifRangeValidator(record?.etag, record?.lastModified);
  const usable =
    size !== undefined &&
    size > 0 &&
    record?.url === url &&
    // Without a validator only a known checksum can catch bytes spliced from two versions.
    (validator !== undefined || expectedSha256 !== undefined) &&
    (expectedSize === undefined || size <= expectedSize) &&
    (record.totalBytes === undefined || size <= record.totalBytes);
  if (usable) return { offset: size, validator, totalBytes: record.totalBytes };
  await removePartial(paths);
  return undefined;
}

/** A file already at the final name: reported when it is the expected model. */
export async function existingModel(
  path: string,
  expectedSha256: string | undefined,
  expectedSize: number | undefined,
): Promise<DownloadModelResult | undefined> {
  const size = await fileSize(path);
  if (size === undefined) return undefined;
  if (expectedSize !== undefined && size !== expectedSize) {
    throw existingFileError(path, `has ${size} bytes, not the expected ${expectedSize}`);
  }
  const hash = createHash('sha256');
  const { head } = await hashFile(path, hash);
  if (!head.equals(ggufMagic)) throw existingFileError(path, 'is not a GGUF file');
  const sha256 = hash.digest('hex');
  if (expectedSha256 !== undefined && sha256 !== expectedSha256) {
    throw existingFileError(path, `has SHA-256 ${sha256}, not the expected ${expectedSha256}`);
  }
  return {
    path,
    sizeBytes: size,
    sha256,
    resumedFromBytes: 0,
    verified: expectedSha256 !== undefined,
    alreadyPresent: true,
  };
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    // Missing (or unreadable, which the following open will report): no such file here.
    return undefined;
  }
}

/** Makes the rename durable. */
export async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some systems (Windows) cannot open or fsync a directory; the rename itself is still atomic.
  }
}
