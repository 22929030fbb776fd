import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { readTextFile } from '../project/file-kind.js';
import { listProjectFiles } from '../project/file-listing.js';
import { resolveProjectPath } from '../project/project-paths.js';
import { ioErrorResult, isNotFound, notFoundResult } from './file-errors.js';
import { readTextAsset } from './text-asset.js';
import {
  defineTool,
  toolError,
  type CodeSearch,
  type RelatedFile,
  type ToolResult,
} from './tool.js';

/** Matching lines shown by one call; the total is still counted. */
export const SEARCH_CODE_MAX_MATCHES = 100;
/** Files larger than this are skipped (generated or data files, rarely what is wanted). */
export const SEARCH_CODE_MAX_FILE_BYTES = 1024 * 1024;
/** Longer matching lines are shown as a window around the match. */
const MAX_LINE_LENGTH = 200;
/** Files read at once. */
const READ_BATCH = 16;

export const SearchCodeInput = z.object({
  pattern: z.string().min(1).describe('Text to find'),
  regex: z.boolean().optional().describe('Treat pattern as a regular expression'),
  path: z.string().optional().describe('Directory or file to search (default: whole project)'),
  case_sensitive: z.boolean().optional().describe('Match case exactly'),
});
export type SearchCodeInput = z.infer<typeof SearchCodeInput>;

export const searchCodeTool = defineTool({
  name: 'search_code',
  description: readTextAsset(new URL('./search-code.md', import.meta.url)),
  access: 'read',
  inputSchema: SearchCodeInput,
  describeCall: (input) =>
    `search_code ${JSON.stringify(input.pattern)}${input.path === undefined ? '' : ` in ${input.path}`}`,
  async execute(input, context) {
    const matcher = buildMatcher(input);
    if (!matcher.ok) return matcher.result;
    const resolved = resolveProjectPath(context.projectRoot, input.path ?? '.');
    if (!resolved.ok) return { ok: false, error: resolved.error };
    const { relativePath } = resolved;

    let files: string[];
    try {
      const stats = await stat(resolved.absolutePath);
      files = stats.isDirectory()
        ? await listProjectFiles(context.projectRoot, {
            under: relativePath === '.' ? undefined : relativePath,
            signal: context.signal,
          })
        : [relativePath];
    } catch (error) {
      if (context.signal.aborted) return cancelled();
      if (isNotFound(error))
        return notFoundResult(context.projectRoot, relativePath, context.signal);
      return ioErrorResult('search', relativePath, error);
    }

    const search = await searchFiles(context.projectRoot, files, matcher.pattern, context.signal);
    if (search === null) return cancelled();
    const result = formatResults(input, matcher.description, relativePath, search);
    if (!result.ok || context.codeSearch === undefined) return result;
    return withIndexAnswers(result, input, search.total, context.codeSearch);
  },
});

/** An identifier, possibly dotted (`Basic.subs`): worth looking up as a definition. */
const IDENTIFIER = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

/**
 * Adds what the code index knows: where an identifier is defined (before the matching lines),
 * and, when nothing matched, the files the index ranks for the pattern (`rankFiles`: words,
 * names, paths, the symbol graph), each with why and its best matching lines.
 */
async function withIndexAnswers(
  result: Extract<ToolResult, { ok: true }>,
  input: SearchCodeInput,
  matches: number,
  codeSearch: CodeSearch,
): Promise<ToolResult> {
  const extra: string[] = [];
  if (input.regex !== true && IDENTIFIER.test(input.pattern)) {
    const name = input.pattern.split('.').at(-1) ?? input.pattern;
    const definitions = (await codeSearch.definitions(name)) ?? [];
    if (definitions.length > 0) {
      const shown = definitions
        .slice(0, 5)
        .map((entry) => `${entry.path}:${entry.line} (${entry.kind} ${entry.name})`);
      extra.push(`Defined at: ${shown.join('; ')}`);
    }
  }
  let output = extra.length > 0 ? `${extra.join('\n')}\n${result.output}` : result.output;
  if (matches === 0) {
    const related = (await codeSearch.related(input.pattern, 5)) ?? [];
    if (related.length > 0) {
      output += `\nFiles the code index ranks as related (best first; why; best places):\n${related.map(relatedLine).join('\n')}`;
    }
  }
  return { ...result, output };
}

/** The words a model understands for the ranking signals (`file-ranking.ts`). */
const SIGNAL_WORDS: Record<string, string> = {
  lexical: 'words',
  identifiers: 'names',
  paths: 'path',
  semantic: 'meaning',
  graph: 'uses',
  tests: 'tests',
};

/** `src/config.py (names, words): L1-2 load_config; L10-30 Settings, parse` */
function relatedLine(file: RelatedFile): string {
  const why = file.signals.map((signal) => SIGNAL_WORDS[signal] ?? signal);
  const places = file.places
    .slice(0, 2)
    .map(
      (place) =>
        `L${place.startLine}-${place.endLine}${place.symbols.length > 0 ? ` ${place.symbols.slice(0, 3).join(', ')}` : ''}`,
    );
  return `${file.path}${why.length > 0 ? ` (${why.join(', ')})` : ''}${places.length > 0 ? `: ${places.join('; ')}` : ''}`;
}

function cancelled(): ToolResult {
  return toolError('cancelled', 'The search was cancelled.');
}

type Matcher =
  { ok: true; pattern: RegExp; description: string } | { ok: false; result: ToolResult };

function buildMatcher(input: SearchCodeInput): Matcher {
  const isRegex = input.regex ?? false;
  if (/[\r\n]/.test(input.pattern)) {
    return {
      ok: false,
      result: toolError(
        'invalid-arguments',
        'search_code matches one line at a time; search for a pattern without line breaks.',
      ),
    };
  }
  // Smart case, as ripgrep does: an uppercase letter asks for an exact-case search. In a regex,
  // escapes such as \W or \S are not letters to match and don't count.
  const letters = isRegex ? input.pattern.replace(/\\./g, '') : input.pattern;
  const caseSensitive = input.case_sensitive ?? /\p{Lu}/u.test(letters);
  const source = isRegex ? input.pattern : input.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  try {
    const pattern = new RegExp(source, caseSensitive ? '' : 'i');
    const kind = isRegex ? 'regex' : 'plain text';
    const description = `${kind}, ${caseSensitive ? 'case-sensitive' : 'ignoring case'}`;
    return { ok: true, pattern, description };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      result: toolError(
        'invalid-arguments',
        `${reason}. Fix the regular expression, or set regex to false to search for the text as written.`,
      ),
    };
  }
}

interface SearchOutcome {
  shown: string[];
  total: number;
  filesWithMatches: number;
  skippedFiles: number;
}

/** Null when cancelled. */
async function searchFiles(
  projectRoot: string,
  files: readonly string[],
  pattern: RegExp,
  signal: AbortSignal,
): Promise<SearchOutcome | null> {
  const outcome: SearchOutcome = { shown: [], total: 0, filesWithMatches: 0, skippedFiles: 0 };
  for (let start = 0; start < files.length; start += READ_BATCH) {
    if (signal.aborted) return null;
    const batch = files.slice(start, start + READ_BATCH);
    const contents = await Promise.all(
      batch.map((file) => readSearchable(path.join(projectRoot, file))),
    );
    batch.forEach((file, index) => {
      const content = contents[index];
      if (content === null || content === undefined) {
        outcome.skippedFiles += 1;
        return;
      }
      let matched = false;
      content.split(/\r?\n/).forEach((line, lineIndex) => {
        if (!pattern.test(line)) return;
        matched = true;
        outcome.total += 1;
        if (outcome.shown.length < SEARCH_CODE_MAX_MATCHES) {
          outcome.shown.push(`${file}:${lineIndex + 1}: ${excerpt(line, pattern)}`);
        }
      });
      if (matched) outcome.filesWithMatches += 1;
    });
  }
  return signal.aborted ? null : outcome;
}

/** The file's text, or null for a binary, too large or vanished file. */
async function readSearchable(absolutePath: string): Promise<string | null> {
  try {
    const file = await readTextFile(absolutePath, { maxBytes: SEARCH_CODE_MAX_FILE_BYTES });
    return file.kind === 'text' ? file.content : null;
  } catch {
    // Deleted or unreadable since it was listed: nothing to search in it.
    return null;
  }
}

/** The line without surrounding whitespace; a long one cut to a window around the match. */
function excerpt(line: string, pattern: RegExp): string {
  const text = line.trim();
  if (text.length <= MAX_LINE_LENGTH) return text;
  const at = pattern.exec(text)?.index ?? 0;
  const from = Math.max(0, at - Math.floor(MAX_LINE_LENGTH / 3));
  const to = Math.min(text.length, from + MAX_LINE_LENGTH);
  return `${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
}

function formatResults(
  input: SearchCodeInput,
  mode: string,
  relativePath: string,
  outcome: SearchOutcome,
): ToolResult {
  const place = relativePath === '.' ? 'the project' : relativePath;
  if (outcome.total === 0) {
    const skipped =
      outcome.skippedFiles === 0
        ? ''
        : ` ${plural(outcome.skippedFiles, 'binary or large file')} not searched.`;
    return {
      ok: true,
      output: `No matches for ${JSON.stringify(input.pattern)} in ${place} (${mode}).${skipped}`,
      summary: '0 matches',
    };
  }
  const lines = plural(outcome.total, 'matching line');
  const files = plural(outcome.filesWithMatches, 'file');
  const cut =
    outcome.total > outcome.shown.length
      ? `; showing the first ${outcome.shown.length}. Narrow the search with path or a more specific pattern`
      : '';
  return {
    ok: true,
    output: `${lines} in ${files}${cut}:\n${outcome.shown.join('\n')}`,
    summary: `${lines} in ${files}`,
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
