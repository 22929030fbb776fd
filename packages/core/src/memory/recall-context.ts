import type { RecallContext } from './memory-types.js';

/** Most paths and symbols one recall is given. */
const MAX_PATHS = 20;
const MAX_SYMBOLS = 12;

/**
 * What a recall is about besides its words (`MemoryStore.recall`): the paths named in `text`
 * and the files of the current work, and the code names `text` mentions (`parse_config`,
 * `computeTax`, `Basic.subs`, `` `load` ``, `load()`), so records about the same files and
 * names rank higher. Plain words are left to the full-text search.
 */
export function recallContextFor(text: string, workPaths: readonly string[] = []): RecallContext {
  const paths = unique([...pathsIn(text), ...workPaths.map(normalizePath)]).slice(0, MAX_PATHS);
  return { paths, symbols: symbolsIn(text).slice(0, MAX_SYMBOLS) };
}

/** Words of `text` that look like project paths: `src/a.ts`, `calc.py`, `docs/`. */
export function pathsIn(text: string): string[] {
  const found: string[] = [];
  for (const raw of text.split(/[\s`'"(),;[\]{}<>]+/)) {
    const token = normalizePath(raw.replace(/[.,:;!?]+$/, ''));
    if (token === '' || /^[a-z][a-z0-9+.-]*:/i.test(raw) || !/^[\w./@+-]+$/.test(token)) continue;
    const hasDirectory = /[\w-]\/[\w.-]|^[\w.-]+\/$/.test(token);
    const extension = /^(.*[\w-]{2,}|\.[\w-]+)\.[A-Za-z][A-Za-z0-9]{0,5}$/.exec(token);
    if (hasDirectory || extension) found.push(token);
  }
  return unique(found);
}

/** Code names in `text`: snake_case, camelCase, dotted, called `name(`, or quoted in backticks. */
export function symbolsIn(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(
    /`([^`\n]{1,80})`|([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(\()?/g,
  )) {
    const quoted = match[1];
    if (quoted !== undefined) {
      const name = /^[A-Za-z_$][\w$.]*/.exec(quoted.trim())?.[0];
      if (name !== undefined && !name.includes('/') && name.length > 2)
        found.push(name.replace(/\.$/, ''));
      continue;
    }
    const name = match[2] ?? '';
    const called = match[3] !== undefined;
    const looksLikeCode =
      called || name.includes('_') || /[a-z0-9][A-Z]/.test(name) || /\.[A-Za-z_$]/.test(name);
    if (looksLikeCode && name.length > 2 && (called || !isFileName(name))) found.push(name);
  }
  return unique(found);
}

/** Extensions that make a dotted name a file (`calc.py`) rather than code (`Basic.subs`). */
const FILE_EXTENSIONS = new Set(
  'c cc cjs cpp cs css go h hpp html java js json jsx kt md mjs php py rb rs sh sql toml ts tsx txt yaml yml'.split(
    ' ',
  ),
);

function isFileName(name: string): boolean {
  return FILE_EXTENSIONS.has(name.split('.').at(-1) ?? '');
}

function normalizePath(path: string): string {
  return path.trim().replace(/^\.\//, '');
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter((value) => value !== ''))];
}
