import type { CodeSearch } from '@outpost/core';
import type { CodeIndex } from '@outpost/core/code-index';

/**
 * The project's code index as the tools see it. Nothing is loaded until a tool first asks; then
 * the index is opened, brought up to date (only files changed since the last build are read
 * again; a first build reads them all) and queried. If it cannot be used, tools search the
 * files directly, and the user is told once why.
 */
export function createProjectCodeSearch(options: {
  projectRoot: string;
  indexPath: string;
  warn: (message: string) => void;
}): CodeSearch & { close(): Promise<void> } {
  let ready: Promise<CodeIndex | undefined> | undefined;
  const open = (): Promise<CodeIndex | undefined> => {
    ready ??= (async () => {
      const codeIndex = await import('@outpost/core/code-index');
      const index = codeIndex.openCodeIndex({
        projectRoot: options.projectRoot,
        indexPath: options.indexPath,
        extractor: {
          languageOfPath: codeIndex.languageOfPath,
          extractSymbols: codeIndex.extractSymbols,
          chunkBySymbols: codeIndex.chunkBySymbols,
          identifierWords: codeIndex.identifierWords,
        },
      });
      try {
        if (index.status().builtAt === undefined || (await index.isStale())) await index.build();
        return index;
      } catch (error) {
        index.close();
        throw error;
      }
    })().catch((error: unknown) => {
      options.warn(
        `The code index could not be used (${(error as Error).message}); search_code searches the files directly.`,
      );
      return undefined;
    });
    return ready;
  };
  return {
    async definitions(name) {
      const index = await open();
      return index?.findSymbol(name).map((symbol) => ({
        path: symbol.path,
        line: symbol.startLine,
        kind: symbol.kind,
        name: symbol.container === undefined ? symbol.name : `${symbol.container}.${symbol.name}`,
      }));
    },
    async related(query, limit) {
      const index = await open();
      return index?.search(query, { limit }).map((hit) => ({
        path: hit.path,
        startLine: hit.startLine,
        endLine: hit.endLine,
        symbols: hit.symbols,
      }));
    },
    async close() {
      (await ready)?.close();
    },
  };
}
