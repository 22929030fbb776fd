import type { CodeChunk } from './symbol-types.js';

/** Lines per chunk for files the symbol extractor does not parse (docs, config, scripts). */
export const LINE_WINDOW = 60;

/**
 * Cuts text into fixed windows of {@link LINE_WINDOW} lines, so files without a known language
 * (and code the extractor failed on) are still searchable. An empty file has no chunks.
 */
export function lineWindowChunks(source: string, window = LINE_WINDOW): CodeChunk[] {
  if (source === '') return [];
  const lines = source.split('\n');
  // A final newline ends the last line; it does not start another.
  if (lines[lines.length - 1] === '') lines.pop();
  const chunks: CodeChunk[] = [];
  for (let start = 0; start < lines.length; start += window) {
    const slice = lines.slice(start, start + window);
    chunks.push({
      startLine: start + 1,
      endLine: start + slice.length,
      text: slice.join('\n'),
      symbols: [],
    });
  }
  return chunks;
}
