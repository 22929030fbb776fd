/**
 * What an issue text or question says about where code lives, beyond its words: identifiers
 * written as code, file paths and stack-trace frames, and dotted module names. Plain text in,
 * plain data out; `file-ranking.ts` looks the clues up in the index.
 */
export interface QueryClues {
  /** Names written as code: in backticks or code blocks, called, dotted, CamelCase or snake_case. */
  identifiers: Set<string>;
  /** Identifiers in the first line (an issue's title), which says the most in the fewest words. */
  titleIdentifiers: Set<string>;
  /** Paths with a file extension, from prose, `path:line` and `File "path", line N` frames. */
  paths: Set<string>;
  /** Dotted names that may be modules (`sympy.core.basic`), as path stems (`sympy/core/basic`). */
  modulePaths: Set<string>;
}

/** A file path: segments separated by `/` or `\`, ending in a short extension. */
const PATH_PATTERN = /(?:[\w.-]+[/\\])*[\w.-]+\.[A-Za-z][A-Za-z0-9]{0,4}\b/g;
/** Extensions of source and build files worth boosting when quoted. */
const CODE_EXTENSIONS = new Set([
  'py', 'pyi', 'pyx', 'js', 'jsx', 'mjs', 'cjs', 'ts', 'tsx', 'mts', 'cts', 'go', 'rs', 'java',
  'kt', 'c', 'h', 'cc', 'cpp', 'cxx', 'hpp', 'hh', 'rb', 'php', 'cs', 'swift', 'scala', 'm',
  'sh', 'toml', 'cfg', 'ini', 'json', 'yaml', 'yml', 'md', 'rst', 'txt',
]); // prettier-ignore
/** `a.b.c` chains of identifiers (module paths, attribute access). */
const DOTTED_PATTERN = /[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+/g;
const IDENTIFIER_PATTERN = /[A-Za-z_][\w]*/g;
/** snake_case, CamelCase with an inner capital, or an inner digit-letter mix. */
const COMPOUND_IDENTIFIER = /_\w|[a-z][A-Z]|[A-Z][a-z]+[A-Z]/;
const CALL_PATTERN = /([A-Za-z_][\w]*)\s*\(/g;
const BACKTICK_PATTERN = /`([^`\n]+)`/g;
const FENCE_PATTERN = /```[^\n]*\n([\s\S]*?)(?:```|$)/g;
/** Too common in code to point anywhere. */
const IGNORED_IDENTIFIERS = new Set([
  'self', 'cls', 'None', 'True', 'False', 'print', 'return', 'import', 'from', 'def', 'class',
  'if', 'else', 'elif', 'for', 'while', 'in', 'is', 'not', 'and', 'or', 'lambda', 'with', 'as',
  'try', 'except', 'raise', 'assert', 'pass', 'yield', 'len', 'str', 'int', 'float', 'dict',
  'list', 'set', 'tuple', 'type', 'object', 'range', 'this', 'new', 'function', 'const', 'let',
  'var', 'null', 'undefined', 'true', 'false', 'e', 'g', 'i', 'x', 'y', 'z', 'n', 'a', 'b',
]); // prettier-ignore

/** Reads the clues out of free text; never throws. */
export function parseQueryClues(query: string): QueryClues {
  const identifiers = new Set<string>();
  const paths = new Set<string>();
  const modulePaths = new Set<string>();
  const add = (name: string): void => {
    if (name.length >= 2 && !IGNORED_IDENTIFIERS.has(name) && !/^\d/.test(name)) {
      identifiers.add(name);
    }
  };

  for (const match of query.matchAll(PATH_PATTERN)) {
    const candidate = match[0].replace(/\\/g, '/');
    const extension = candidate.slice(candidate.lastIndexOf('.') + 1).toLowerCase();
    // `a.b` alone is as likely an attribute as a file; a path needs a `/` or a code extension.
    if (
      CODE_EXTENSIONS.has(extension) &&
      (candidate.includes('/') || /\.py[ix]?$/.test(candidate))
    ) {
      paths.add(candidate.replace(/^\.?\//, ''));
    }
  }

  const code: string[] = [];
  for (const match of query.matchAll(FENCE_PATTERN)) code.push(match[1] ?? '');
  for (const match of query.matchAll(BACKTICK_PATTERN)) code.push(match[1] ?? '');
  // Indented lines and `>>>` prompts are code in most issue trackers.
  for (const line of query.split('\n')) {
    if (/^( {4}|\t|>>> |\.\.\. |In \[\d+\]:)/.test(line)) code.push(line);
  }
  for (const text of code) {
    for (const match of text.matchAll(IDENTIFIER_PATTERN)) add(match[0]);
  }

  for (const match of query.matchAll(DOTTED_PATTERN)) {
    const parts = match[0].split('.');
    // `loader.py` is a file name (taken as a path above), not a module or a member.
    if (CODE_EXTENSIONS.has(parts[parts.length - 1] ?? '')) continue;
    // `Foo.bar` names a member; lowercase chains may be modules (`sympy.core.basic`).
    for (const part of parts) add(part);
    if (parts.length >= 2 && parts.every((part) => /^[a-z_][a-z0-9_]*$/.test(part))) {
      for (let end = parts.length; end >= 2; end -= 1) {
        modulePaths.add(parts.slice(0, end).join('/'));
      }
    }
  }
  for (const match of query.matchAll(CALL_PATTERN)) add(match[1] ?? '');
  for (const match of query.matchAll(IDENTIFIER_PATTERN)) {
    if (COMPOUND_IDENTIFIER.test(match[0])) add(match[0]);
  }

  const firstLine = query.split('\n', 1)[0] ?? '';
  const titleIdentifiers = new Set<string>();
  // A title names things without marking them as code (`latex printer ignores Symbol names`):
  // any word of four letters or more may be a defined name; the lookup tells.
  for (const match of firstLine.matchAll(IDENTIFIER_PATTERN)) {
    if (identifiers.has(match[0]) || (match[0].length >= 4 && !IGNORED_IDENTIFIERS.has(match[0]))) {
      titleIdentifiers.add(match[0]);
    }
  }
  return { identifiers, titleIdentifiers, paths, modulePaths };
}
