/** How far a model download has come; reported after each chunk written to disk. */
export interface DownloadProgress {
  /** Bytes of the file on disk so far, including the ones kept from an earlier run. */
  receivedBytes: number;
  /** The whole file's size, when the server or the caller said it. */
  totalBytes: number | undefined;
  /** Bytes this run started from (0 for a fresh download). */
  resumedFromBytes: number;
}

export interface DownloadModelOptions {
  /** http(s) URL of the GGUF file. */
  url: string;
  /** The models folder; created when missing. */
  directory: string;
  /** The final file name, `NAME.gguf`. */
  fileName: string;
  /** Lowercase hex SHA-256 of the file, when known; the download is verified against it. */
  sha256?: string;
  /** The file's size in bytes, when known. */
  expectedSize?: number;
  /** Injected fetch (tests, the offline guard); default the global one. */
  fetch?: typeof fetch;
  onProgress?: (progress: DownloadProgress) => void;
  /** Aborting stops the download and keeps the partial file for a later resume. */
  signal?: AbortSignal;
  /** How long the site may send nothing before the download fails; default 60 000 ms. */
  idleTimeoutMs?: number;
  /** Download again even when the final file exists (it is replaced only once verified). */
  force?: boolean;
}

export interface DownloadModelResult {
  /** The final `<directory>/NAME.gguf`. */
  path: string;
  sizeBytes: number;
  /** The file's SHA-256, computed from its bytes. */
  sha256: string;
  /** Bytes kept from an earlier, interrupted run (0 for a fresh download). */
  resumedFromBytes: number;
  /** True when a known checksum matched; false when there was none to check. */
  verified: boolean;
  /** True when the file was already there and nothing was downloaded. */
  alreadyPresent: boolean;
}
