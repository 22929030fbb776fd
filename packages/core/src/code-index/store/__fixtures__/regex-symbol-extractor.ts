import type {
  CodeChunk,
  CodeLanguage,
  FileSymbols,
  SymbolDefinition,
  SymbolExtractor,
  SymbolReference,
} from '../symbol-types.js';

/**
 * A stand-in for the tree-sitter extractor of `code-index/symbols/`, good enough for the store's
 * tests and measurements: Python `def`/`class` and TypeScript `function`/`class` by regular
 * expression, blocks ending where the indentation returns, calls `name(` as references.
 */
export const regexSymbolExtractor: SymbolExtractor = {
  languageOfPath,
  extractSymbols: (language, source) => Promise.resolve(extractSymbols(language, source)),
  chunkBySymbols,
  identifierWords,
};

const DEFINITION = /^(\s*)(?:export\s+)?(def|class|function|interface)\s+([A-Za-z_]\w*)/;
const CALL = /([A-Za-z_]\w*)\s*\(/g;
const KEYWORDS = new Set(['if', 'for', 'while', 'return', 'print', 'def', 'class', 'function']);

function languageOfPath(path: string): CodeLanguage | undefined {
  if (path.endsWith('.py')) return 'python';
  if (path.endsWith('.ts')) return 'typescript';
  return undefined;
}

function extractSymbols(_language: CodeLanguage, source: string): FileSymbols {
  const lines = source.split('\n');
  const definitions: SymbolDefinition[] = [];
  const references: SymbolReference[] = [];
  const open: { indent: number; definition: SymbolDefinition }[] = [];
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    const indent = line.length - line.trimStart().length;
    if (line.trim() !== '') {
      while (open.length > 0 && (open[open.length - 1]?.indent ?? 0) >= indent) open.pop();
    }
    const match = DEFINITION.exec(line);
    if (match !== null) {
      const keyword = match[2] ?? '';
      const name = match[3] ?? '';
      const parent = open[open.length - 1]?.definition;
      const kind = keyword === 'class' ? 'class' : keyword === 'interface' ? 'interface' : parent?.kind === 'class' ? 'method' : 'function';
      const definition: SymbolDefinition = {
        name,
        kind,
        startLine: lineNumber,
        endLine: lineNumber,
        ...(parent === undefined ? {} : { container: parent.name }),
      };
      definitions.push(definition);
      open.push({ indent: (match[1] ?? '').length, definition });
    }
    for (const entry of open) entry.definition.endLine = line.trim() === '' ? entry.definition.endLine : lineNumber;
    const body = match === null ? line : line.slice(match[0].length);
    for (const call of body.matchAll(CALL)) {
      const name = call[1] ?? '';
      if (!KEYWORDS.has(name)) references.push({ name, line: lineNumber });
    }
  });
  return { definitions, references };
}

function chunkBySymbols(source: string, symbols: FileSymbols): CodeChunk[] {
  const lines = source.split('\n');
  const topLevel = symbols.definitions.filter((definition) => definition.container === undefined);
  const chunks: CodeChunk[] = [];
  const pushRange = (startLine: number, endLine: number, names: string[]): void => {
    const text = lines.slice(startLine - 1, endLine).join('\n');
    if (text.trim() !== '') chunks.push({ startLine, endLine, text, symbols: names });
  };
  let next = 1;
  for (const definition of topLevel) {
    if (definition.startLine > next) pushRange(next, definition.startLine - 1, []);
    const inside = symbols.definitions.filter(
      (other) => other.startLine >= definition.startLine && other.endLine <= definition.endLine,
    );
    pushRange(definition.startLine, definition.endLine, inside.map((other) => other.name));
    next = definition.endLine + 1;
  }
  if (next <= lines.length) pushRange(next, lines.length, []);
  return chunks;
}

function identifierWords(identifier: string): string[] {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}
