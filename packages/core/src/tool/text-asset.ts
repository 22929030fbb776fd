import { readFileSync } from 'node:fs';

/**
 * Reads a text asset shipped beside the code (prompt and tool-description `.md` files). Trailing
 * whitespace is trimmed so an editor's final newline never changes what the model sees.
 */
export function readTextAsset(url: URL): string {
  return readFileSync(url, 'utf8').trimEnd();
}
