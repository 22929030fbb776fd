import { formatBytes } from '../../format/format-bytes.js';
import { serverMessage } from '../model-server-errors.js';
import { ModelDownloadError } from './download-error.js';

/**
 * The errors of a failed model download. Each names the site and what happened, and says what
 * to do: run the command again (the partial file is kept), or bring the file over by hand.
 */

const manualCopyHint =
  'To use a model without a connection, copy a GGUF file onto this machine and run ' +
  '`outpost models add PATH`.';

const resumeHint = 'The partial download is kept; run the same command again to resume.';

/** No connection could be made: DNS failure, connection refused, network unreachable. */
export function unreachableDownloadError(
  host: string,
  reason: string,
  cause: unknown,
): ModelDownloadError {
  return new ModelDownloadError(
    'unreachable',
    `The download site ${host} is unreachable (${reason}); Outpost may be offline. ${manualCopyHint}`,
    { cause },
  );
}

/** The site answered with an error status. */
export function httpDownloadError(
  host: string,
  status: number,
  statusText: string,
  bodyText: string,
): ModelDownloadError {
  const detail = serverMessage(bodyText);
  const answer = `${status}${statusText ? ` ${statusText}` : ''}${detail ? ` (${detail})` : ''}`;
  const hint =
    status === 404
      ? 'No file exists at that address; check the model name or URL.'
      : status === 401 || status === 403
        ? 'The file needs permission to download (a gated or private model). Download it in a ' +
          'browser, then run `outpost models add PATH`.'
        : status === 429
          ? 'The site is limiting requests; wait a while and try again.'
          : status >= 500
            ? `The site has a problem; try again later. ${resumeHint}`
            : 'The file could not be downloaded.';
  return new ModelDownloadError('http', `The download site ${host} answered ${answer}. ${hint}`, {
    statusCode: status,
    isRetryable: status === 429 || status >= 500,
  });
}

/** A connection was made (or its failure is unknown), but it failed before any answer. */
export function connectionFailedDownloadError(
  host: string,
  reason: string,
  cause: unknown,
): ModelDownloadError {
  return new ModelDownloadError(
    'interrupted',
    `The connection to the download site ${host} failed before it answered (${reason}); try again.`,
    { cause },
  );
}

/** The connection broke, or ended before the whole file arrived. */
export function interruptedDownloadError(
  host: string,
  reason: string,
  receivedBytes: number,
  totalBytes: number | undefined,
  cause?: unknown,
): ModelDownloadError {
  const progress =
    totalBytes === undefined
      ? `after ${formatBytes(receivedBytes)}`
      : `after ${formatBytes(receivedBytes)} of ${formatBytes(totalBytes)}`;
  const kept = receivedBytes > 0 ? ` ${resumeHint}` : ' Try again.';
  return new ModelDownloadError(
    'interrupted',
    `The download from ${host} broke off ${progress} (${reason}).${kept}`,
    { cause },
  );
}

/** Nothing arrived for the whole idle timeout; a slow but steady download never gets here. */
export function stalledDownloadError(
  host: string,
  idleTimeoutMs: number,
  receivedBytes: number,
): ModelDownloadError {
  const duration =
    idleTimeoutMs >= 1000 ? `${Math.round(idleTimeoutMs / 1000)} s` : `${idleTimeoutMs} ms`;
  const kept = receivedBytes > 0 ? ` ${resumeHint}` : '';
  return new ModelDownloadError(
    'interrupted',
    `The download site ${host} sent nothing for ${duration}, so the download was stopped.${kept}`,
  );
}

/** The caller aborted the download. */
export function cancelledDownloadError(receivedBytes: number): ModelDownloadError {
  const kept =
    receivedBytes > 0
      ? ` ${formatBytes(receivedBytes)} are kept; run the same command again to resume.`
      : '';
  return new ModelDownloadError('cancelled', `The download was cancelled.${kept}`);
}

/** The bytes are complete but their checksum is not the expected one. */
export function checksumDownloadError(
  url: string,
  expected: string,
  actual: string,
): ModelDownloadError {
  return new ModelDownloadError(
    'checksum',
    `The file downloaded from ${url} has SHA-256 ${actual}, not the expected ${expected}, so it ` +
      'was deleted. It was corrupted on the way or the site now serves a different file; try ' +
      'again, and if it fails again, check the URL.',
  );
}

/** The bytes do not start with the GGUF magic: an HTML page, an archive, another format. */
export function notGgufDownloadError(url: string): ModelDownloadError {
  return new ModelDownloadError(
    'not-gguf',
    `The file at ${url} is not a GGUF model (it does not start with "GGUF"), so it was deleted. ` +
      'The address may point to a web page or a login page instead of the file itself; use the ' +
      'direct download URL (on Hugging Face, `/resolve/` rather than `/blob/`).',
  );
}

/** The file (as announced by the server, or as downloaded) has another size than expected. */
export function sizeDownloadError(
  url: string,
  expectedBytes: number,
  actualBytes: number,
): ModelDownloadError {
  return new ModelDownloadError(
    'size',
    `The file at ${url} has ${actualBytes} bytes, not the expected ${expectedBytes}, so it was ` +
      'not kept. The site may now serve a different file; check the URL.',
  );
}

/** A file with the final name exists and is not the expected model. */
export function existingFileError(path: string, detail: string): ModelDownloadError {
  return new ModelDownloadError(
    'existing-file',
    `${path} already exists but ${detail}. Remove it, or download again with --force to replace it.`,
  );
}

/** The partial file could not be opened or written. */
export function diskDownloadError(path: string, error: unknown): ModelDownloadError {
  const detail = error instanceof Error ? error.message : String(error);
  const full = (error as { code?: unknown } | null)?.code === 'ENOSPC';
  return new ModelDownloadError(
    'disk',
    `The download could not be written to ${path} (${detail}). ` +
      `${full ? 'Free some disk space, then run' : 'Run'} the same command again; the bytes ` +
      'written so far are kept.',
    { cause: error },
  );
}
