import { AgentError } from '../../errors/agent-error.js';

/**
 * How a model download failed:
 * - `invalid-target`: the name or URL cannot be downloaded (not http(s), not a `.gguf` file).
 * - `unreachable`: no connection could be made (offline, DNS failure, connection refused).
 * - `http`: the site answered with an error status (`statusCode` says which).
 * - `interrupted`: the connection broke or went silent mid-way; the partial file is kept.
 * - `cancelled`: the caller aborted; the partial file is kept.
 * - `checksum`, `not-gguf`, `size`: the bytes are not the expected model; nothing is kept.
 * - `existing-file`: a file with the final name exists but is not the expected model.
 * - `disk`: the partial file could not be written (disk full, no permission).
 */
export type ModelDownloadErrorKind =
  | 'invalid-target'
  | 'unreachable'
  | 'http'
  | 'interrupted'
  | 'cancelled'
  | 'checksum'
  | 'not-gguf'
  | 'size'
  | 'existing-file'
  | 'disk';

const retryableKinds = new Set<ModelDownloadErrorKind>(['unreachable', 'interrupted']);

/**
 * A model download that failed, with a message a user can act on. `isRetryable` is true when
 * running the same command again may succeed (and resume from the kept partial file).
 */
export class ModelDownloadError extends AgentError {
  readonly kind: ModelDownloadErrorKind;
  readonly statusCode: number | undefined;
  readonly isRetryable: boolean;

  constructor(
    kind: ModelDownloadErrorKind,
    message: string,
    options?: { cause?: unknown; statusCode?: number; isRetryable?: boolean },
  ) {
    super(message, options);
    this.kind = kind;
    this.statusCode = options?.statusCode;
    this.isRetryable = options?.isRetryable ?? retryableKinds.has(kind);
  }

  static override isInstance(error: unknown): error is ModelDownloadError {
    return AgentError.isInstance(error) && error instanceof ModelDownloadError;
  }
}
