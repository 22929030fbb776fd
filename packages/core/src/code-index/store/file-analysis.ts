import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { TextFileRead } from '../../project/file-kind.js';
import { pathWords, symbolWords, textExtraWords } from './index-words.js';
import { lineWindowChunks } from './line-window-chunks.js';
import type {
  CodeChunk,
  CodeLanguage,
  SymbolDefinition,
  SymbolExtractor,
  SymbolReference,
} from './symbol-types.js';

/** Why a file is left out of the index. */
export type SkipReason = 'binary' | 'too-large' | 'vendored' | 'unreadable';

/** Reads a file as text unless it is binary or too large (`readTextFile` of `project/`). */
export type ReadTextFile = (
  absolutePath: string,
  options: { maxBytes: number },
) => Promise<TextFileRead>;

/** What reading and parsing one changed-looking file produced. */
export type FileAnalysis =
  | {
      kind: 'parsed';
      path: string;
      hash: string;
      size: number;
      mtimeMs: number;
      language: CodeLanguage | undefined;
      definitions: SymbolDefinition[];
      references: SymbolReference[];
      chunks: CodeChunk[];
      /** What the full-text index holds besides the chunk text (computed here, off the writer). */
      words: FileWords;
    }
  /** Touched but with the content already indexed: only its size and time need updating. */
  | { kind: 'same-content'; path: string; hash: string; size: number; mtimeMs: number }
  | {
      kind: 'skipped';
      path: string;
      size: number;
      mtimeMs: number;
      reason: SkipReason;
      detail?: string;
    };

/** The words of a file's path, and of each chunk's symbol names and compound identifiers. */
export interface FileWords {
  path: string;
  chunks: { symbols: string; extra: string }[];
}

export interface AnalyzeFileOptions {
  projectRoot: string;
  /** Project-relative, `/` separators. */
  relativePath: string;
  size: number;
  mtimeMs: number;
  /** The content hash the index holds for this path, if any. */
  storedHash: string | undefined;
  maxFileBytes: number;
  extractor: SymbolExtractor;
  readFile: ReadTextFile;
}

/**
 * Reads one file, hashes it and, when its content is new, extracts its symbols and cuts it into
 * chunks. Never throws for a file: a read failure becomes `skipped: unreadable` with the error's
 * message, and a parse failure falls back to plain line-window chunks without symbols.
 */
export async function analyzeFile(options: AnalyzeFileOptions): Promise<FileAnalysis> {
  const { relativePath, size, mtimeMs, maxFileBytes, extractor } = options;
  const base = { path: relativePath, size, mtimeMs };
  if (size > maxFileBytes) {
    return { kind: 'skipped', ...base, reason: 'too-large', detail: tooLarge(size, maxFileBytes) };
  }
  let read: TextFileRead;
  try {
    read = await options.readFile(path.join(options.projectRoot, relativePath), {
      maxBytes: maxFileBytes,
    });
  } catch (error) {
    return { kind: 'skipped', ...base, reason: 'unreadable', detail: describe(error) };
  }
  switch (read.kind) {
    case 'binary':
      return { kind: 'skipped', ...base, reason: 'binary' };
    case 'too-large':
      return {
        kind: 'skipped',
        ...base,
        reason: 'too-large',
        detail: tooLarge(read.size, maxFileBytes),
      };
    case 'directory':
    case 'special':
      return { kind: 'skipped', ...base, reason: 'unreadable', detail: `not a regular file` };
    case 'text':
      break;
  }
  const hash = createHash('sha256').update(read.bytes).digest('hex');
  const current = { ...base, size: read.size, hash };
  if (hash === options.storedHash) return { kind: 'same-content', ...current };
  const language = extractor.languageOfPath(relativePath);
  const source = read.content;
  const words = extractor.identifierWords;
  if (language === undefined) {
    return parsed(current, undefined, [], [], lineWindowChunks(source), words);
  }
  try {
    const symbols = await extractor.extractSymbols(language, source);
    const chunks = extractor.chunkBySymbols(source, symbols);
    return parsed(current, language, symbols.definitions, symbols.references, chunks, words);
  } catch {
    // A file the parser chokes on is still worth finding by its text; it just has no symbols.
    return parsed(current, language, [], [], lineWindowChunks(source), words);
  }
}

function parsed(
  current: { path: string; size: number; mtimeMs: number; hash: string },
  language: CodeLanguage | undefined,
  definitions: SymbolDefinition[],
  references: SymbolReference[],
  chunks: CodeChunk[],
  identifierWords: SymbolExtractor['identifierWords'],
): FileAnalysis {
  const words: FileWords = {
    path: pathWords(current.path, identifierWords),
    chunks: chunks.map((chunk) => ({
      symbols: symbolWords(chunk.symbols, identifierWords),
      extra: textExtraWords(chunk.text, identifierWords),
    })),
  };
  return { kind: 'parsed', ...current, language, definitions, references, chunks, words };
}

function tooLarge(size: number, maxFileBytes: number): string {
  return `${size} bytes, over the ${maxFileBytes}-byte limit`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
