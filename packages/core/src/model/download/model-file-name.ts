import { ModelDownloadError } from './download-error.js';

/**
 * Parses a download address: only `http:` and `https:` URLs are accepted. A local path gets a
 * hint towards `outpost models add`, which takes files already on this machine.
 */
export function parseDownloadUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    // Not a URL at all: the message below says what is accepted.
    throw new ModelDownloadError(
      'invalid-target',
      `"${text}" is not a URL. Give an http(s) URL of a .gguf file; for a file already on this ` +
        'machine, run `outpost models add PATH`.',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    const hint =
      url.protocol === 'file:'
        ? ' For a file already on this machine, run `outpost models add PATH`.'
        : '';
    throw new ModelDownloadError(
      'invalid-target',
      `Only http(s) URLs can be downloaded, not ${url.protocol.replace(/:$/, '')}: ${text}.${hint}`,
    );
  }
  return url;
}

/**
 * The file name a model downloaded from `url` is saved under: the last path segment (decoded;
 * the query string and fragment dropped), which must end in `.gguf`.
 * `https://huggingface.co/o/r/resolve/main/model-q4_k_m.gguf?download=true` → `model-q4_k_m.gguf`.
 */
export function modelFileNameFromUrl(url: string): string {
  const parsed = parseDownloadUrl(url);
  const segment = parsed.pathname.split('/').at(-1) ?? '';
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    // A malformed escape: judge the name as written.
    name = segment;
  }
  if (!name.toLowerCase().endsWith('.gguf')) {
    throw new ModelDownloadError(
      'invalid-target',
      `${url} does not name a .gguf file (its last part is "${name}"). Give the direct URL of ` +
        'the GGUF file, e.g. https://huggingface.co/OWNER/REPO/resolve/main/FILE.gguf.',
    );
  }
  assertModelFileName(name);
  return name;
}

/**
 * Throws unless `fileName` is a plain, visible file name ending in `.gguf`: no directory parts,
 * not hidden (hidden names are reserved for partial downloads), something before the extension.
 */
export function assertModelFileName(fileName: string): void {
  const problem = !fileName.toLowerCase().endsWith('.gguf')
    ? 'it does not end in .gguf'
    : /[/\\]/.test(fileName) || fileName.includes('\0')
      ? 'it contains a path separator'
      : fileName.startsWith('.')
        ? 'it starts with a dot'
        : undefined;
  if (problem !== undefined) {
    throw new ModelDownloadError(
      'invalid-target',
      `"${fileName}" cannot be a model file name: ${problem}.`,
    );
  }
}
