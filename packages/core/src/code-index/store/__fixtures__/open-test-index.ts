import * as path from 'node:path';
import { afterEach } from 'vitest';
import { createTemporaryDirectory } from '../../../tool/__fixtures__/temporary-project.js';
import { type CodeIndex, type CodeIndexOptions, openCodeIndex } from '../code-index.js';
import { regexSymbolExtractor } from './regex-symbol-extractor.js';

const opened: CodeIndex[] = [];

afterEach(() => {
  for (const index of opened.splice(0)) {
    try {
      index.close();
    } catch {
      // Closed by the test already: nothing left to release.
    }
  }
});

/** Opens an index of `projectRoot` in a fresh temporary file (closed after the test). */
export async function openTestIndex(
  projectRoot: string,
  overrides: Partial<CodeIndexOptions> = {},
): Promise<{ index: CodeIndex; indexPath: string; reopen: () => CodeIndex }> {
  const indexPath =
    overrides.indexPath ?? path.join(await createTemporaryDirectory('outpost-index-'), 'code.db');
  const options: CodeIndexOptions = {
    projectRoot,
    extractor: regexSymbolExtractor,
    ...overrides,
    indexPath,
  };
  const open = (): CodeIndex => {
    const index = openCodeIndex(options);
    opened.push(index);
    return index;
  };
  return { index: open(), indexPath, reopen: open };
}
