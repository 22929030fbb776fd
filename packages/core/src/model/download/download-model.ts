import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { AgentError } from '../../errors/agent-error.js';
import { IdleTimeout } from '../idle-timeout.js';
import { describeConnectionFailure } from '../model-server-errors.js';
import { ModelDownloadError } from './download-error.js';
import {
  cancelledDownloadError,
  checksumDownloadError,
  connectionFailedDownloadError,
  httpDownloadError,
  interruptedDownloadError,
  notGgufDownloadError,
  sizeDownloadError,
  stalledDownloadError,
  unreachableDownloadError,
} from './download-messages.js';
import type { DownloadModelOptions, DownloadModelResult } from './download-options.js';
import { bodyLength, parseContentRange } from './http-range.js';
import {
  existingModel,
  ggufMagic,
  type Resume,
  resumableBytes,
  syncDirectory,
} from './local-download-state.js';
import { assertModelFileName, parseDownloadUrl } from './model-file-name.js';
import {
  type DownloadPaths,
  downloadPaths,
  hashFile,
  removePartial,
  writePartialRecord,
} from './partial-download.js';
import { writeResponseBody } from './write-response-body.js';

const defaultIdleTimeoutMs = 60_000;

/**
 * Downloads a GGUF model into `directory/fileName`, resumably and verified. Bytes go to a hidden
 * partial file with a sidecar recording the URL and the server's validators; an interrupted
 * download (abort, dropped connection, killed process) leaves only those two, and the next call
 * asks for the rest with `Range` + `If-Range`. The final name appears only by an atomic rename
 * after the size, the GGUF magic and (when known) the SHA-256 were checked, so a file with that
 * name is always complete. Failures are `ModelDownloadError`s with a message a user can act on.
 */
export async function downloadModel(options: DownloadModelOptions): Promise<DownloadModelResult> {
  const url = parseDownloadUrl(options.url);
  assertModelFileName(options.fileName);
  const expectedSha256 = normaliseSha256(options.sha256);
  await mkdir(options.directory, { recursive: true });
  const paths = downloadPaths(options.directory, options.fileName);

  if (!options.force) {
    const existing = await existingModel(paths.final, expectedSha256, options.expectedSize);
    if (existing !== undefined) return existing;
  }
  if (options.signal?.aborted) throw cancelledDownloadError(0);

  const context = { ...options, url, paths, expectedSha256 };
  const resume = await resumableBytes(paths, url.href, options.expectedSize, expectedSha256);
  const outcome = await transfer(context, resume);
  if (outcome !== 'restart') return outcome;
  // The server's answer did not fit the partial file (another range, another size): start over
  // from nothing. Without a range request, every answer fits.
  await removePartial(paths);
  const fresh = await transfer(context, undefined);
  if (fresh === 'restart') {
    throw interruptedDownloadError(url.host, 'the server sent an unusable range', 0, undefined);
  }
  return fresh;
}

interface TransferContext extends Omit<DownloadModelOptions, 'url' | 'sha256'> {
  url: URL;
  paths: DownloadPaths;
  expectedSha256: string | undefined;
}

/** One request: the whole file, the rest of it, or 'restart' when the answer does not fit. */
async function transfer(
  context: TransferContext,
  resume: Resume | undefined,
): Promise<DownloadModelResult | 'restart'> {
  const { url, paths, signal } = context;
  const idleTimeoutMs = context.idleTimeoutMs ?? defaultIdleTimeoutMs;
  let hash = createHash('sha256');
  let offset = 0;
  let head: Buffer = Buffer.alloc(0);
  if (resume !== undefined) {
    const existing = await hashFile(paths.partial, hash, resume.offset);
    if (existing.bytes === resume.offset && existing.head.equals(ggufMagic)) {
      offset = existing.bytes;
      head = existing.head;
    } else {
      // Shorter than recorded, or not a GGUF after all: start from nothing.
      await removePartial(paths);
      hash = createHash('sha256');
    }
  }
  if (signal?.aborted) throw cancelledDownloadError(offset);

  const controller = new AbortController();
  const forwardAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });
  const idle = new IdleTimeout(idleTimeoutMs, controller);
  /** A rejected fetch or read, classified: cancelled, stalled, unreachable or broken off. */
  const failure = (
    error: unknown,
    phase: 'connect' | 'read',
    receivedBytes: number,
    totalBytes: number | undefined,
  ): Error => {
    const inner = agentErrorIn(error);
    if (inner !== undefined) return inner;
    if (signal?.aborted) return cancelledDownloadError(receivedBytes);
    if (idle.expired) return stalledDownloadError(url.host, idleTimeoutMs, receivedBytes);
    const connection = describeConnectionFailure(error);
    if (phase === 'connect') {
      return connection.connected
        ? connectionFailedDownloadError(url.host, connection.reason, error)
        : unreachableDownloadError(url.host, connection.reason, error);
    }
    return interruptedDownloadError(url.host, connection.reason, receivedBytes, totalBytes, error);
  };

  try {
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (offset > 0) {
      headers.range = `bytes=${offset}-`;
      if (resume?.validator !== undefined) headers['if-range'] = resume.validator;
    }
    let response: Response;
    try {
      const fetchImplementation = context.fetch ?? fetch;
      response = await idle.watch(
        fetchImplementation(url, { headers, signal: controller.signal, redirect: 'follow' }),
      );
    } catch (error) {
      throw failure(error, 'connect', offset, undefined);
    }

    const range = parseContentRange(response.headers.get('content-range'));
    if (response.status === 416 && offset > 0) {
      await response.body?.cancel().catch(() => undefined);
      // 416 for `bytes=N-` means the partial already holds every byte, if its size agrees; with
      // no size to compare and no checksum, nothing proves the partial whole.
      const knownTotal = range?.totalBytes ?? resume?.totalBytes ?? context.expectedSize;
      const whole =
        knownTotal === undefined ? context.expectedSha256 !== undefined : knownTotal === offset;
      if (!whole) return 'restart';
      context.onProgress?.({ receivedBytes: offset, totalBytes: offset, resumedFromBytes: offset });
      return await finish(context, { hash, head, receivedBytes: offset, resumedFrom: offset });
    }
    if (response.status === 206 && offset > 0 && range?.start !== offset) return 'restart';
    if (!response.ok || (response.status === 206 && offset === 0)) {
      let text = '';
      try {
        text = await idle.watch(response.text());
      } catch (error) {
        if (signal?.aborted || idle.expired) throw failure(error, 'read', offset, undefined);
        // An unreadable error body: the status alone still says what happened.
      }
      throw httpDownloadError(url.host, response.status, response.statusText, text);
    }

    const resumed = response.status === 206;
    if (!resumed) {
      // A whole file (the server ignored the range, or the file changed): start over.
      offset = 0;
      head = Buffer.alloc(0);
      hash = createHash('sha256');
    }
    const totalBytes = resumed ? range?.totalBytes : bodyLength(response.headers);
    const expectedSize = context.expectedSize;
    if (totalBytes !== undefined && expectedSize !== undefined && totalBytes !== expectedSize) {
      await response.body?.cancel().catch(() => undefined);
      await removePartial(paths);
      throw sizeDownloadError(url.href, expectedSize, totalBytes);
    }
    await writePartialRecord(paths.sidecar, {
      url: url.href,
      ...validators(response),
      ...(totalBytes === undefined ? {} : { totalBytes }),
      ...(expectedSize === undefined ? {} : { expectedSize }),
    });

    const body = {
      response,
      idle,
      path: paths.partial,
      append: resumed,
      hash,
      head,
      offset,
      totalBytes: totalBytes ?? expectedSize,
      onProgress: context.onProgress,
    };
    const written = await writeResponseBody(body, (error, receivedBytes) =>
      failure(error, 'read', receivedBytes, totalBytes),
    );
    if (!written.head.equals(ggufMagic) && written.head.length >= ggufMagic.length) {
      await removePartial(paths);
      throw notGgufDownloadError(url.href);
    }
    const announced = totalBytes ?? expectedSize;
    if (announced !== undefined && written.receivedBytes < announced) {
      // The body ended before the announced (or expected) size: a cut connection, resumable.
      const early = new Error('the connection closed early');
      throw failure(early, 'read', written.receivedBytes, announced);
    }
    return await finish(context, {
      hash,
      head: written.head,
      receivedBytes: written.receivedBytes,
      resumedFrom: offset,
    });
  } finally {
    signal?.removeEventListener('abort', forwardAbort);
    // Releases the connection when the body was not read to the end.
    controller.abort();
  }
}

/** Verifies the complete partial file and renames it to the final name. */
async function finish(
  context: TransferContext,
  state: {
    hash: Hash;
    head: Buffer;
    receivedBytes: number;
    resumedFrom: number;
  },
): Promise<DownloadModelResult> {
  const { paths, url, expectedSha256, expectedSize } = context;
  if (!state.head.equals(ggufMagic)) {
    await removePartial(paths);
    throw notGgufDownloadError(url.href);
  }
  if (expectedSize !== undefined && state.receivedBytes !== expectedSize) {
    await removePartial(paths);
    throw sizeDownloadError(url.href, expectedSize, state.receivedBytes);
  }
  const sha256 = state.hash.digest('hex');
  if (expectedSha256 !== undefined && sha256 !== expectedSha256) {
    await removePartial(paths);
    throw checksumDownloadError(url.href, expectedSha256, sha256);
  }
  const file = await open(paths.partial, 'r+');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(paths.partial, paths.final);
  await rm(paths.sidecar, { force: true });
  await syncDirectory(context.directory);
  return {
    path: paths.final,
    sizeBytes: state.receivedBytes,
    sha256,
    resumedFromBytes: state.resumedFrom,
    verified: expectedSha256 !== undefined,
    alreadyPresent: false,
  };
}

function validators(response: Response): { etag?: string; lastModified?: string } {
  const etag = response.headers.get('etag') ?? undefined;
  const lastModified = response.headers.get('last-modified') ?? undefined;
  return {
    ...(etag === undefined ? {} : { etag }),
    ...(lastModified === undefined ? {} : { lastModified }),
  };
}

function normaliseSha256(sha256: string | undefined): string | undefined {
  if (sha256 === undefined) return undefined;
  const value = sha256.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(value)) {
    throw new ModelDownloadError(
      'invalid-target',
      `"${sha256}" is not a SHA-256 checksum (64 hex digits).`,
    );
  }
  return value;
}

/** An Outpost error somewhere in a fetch failure's cause chain (e.g. refused while offline). */
function agentErrorIn(error: unknown): AgentError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    if (AgentError.isInstance(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
