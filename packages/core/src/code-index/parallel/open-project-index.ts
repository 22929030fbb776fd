import { type CodeIndex, type CodeIndexOptions, openCodeIndex } from '../store/code-index.js';
import { builtInExtractor } from './built-in-extractor.js';
import { type ParallelAnalyzerOptions, createParallelAnalyzer } from './parallel-analyzer.js';

/**
 * Opens a project's index the way Outpost itself does: the tree-sitter extractor, and large
 * builds parsed in worker threads (`createParallelAnalyzer`).
 */
export function openProjectCodeIndex(
  options: Omit<CodeIndexOptions, 'extractor' | 'createAnalyzer'> & {
    parallel?: ParallelAnalyzerOptions;
  },
): CodeIndex {
  const { parallel, ...rest } = options;
  return openCodeIndex({
    ...rest,
    extractor: builtInExtractor,
    createAnalyzer: createParallelAnalyzer(parallel),
  });
}
