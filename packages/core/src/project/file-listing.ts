import { spawn } from 'node:child_process';
import type { Dirent } from 'node:fs';
import { type Stats, lstatSync } from 'node:fs';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { isWithin } from './project-paths.js';

export interface ListProjectFilesOptions {
  /** A project-relative directory (or file) to list instead of the whole project. */
  under?: string;
  signal?: AbortSignal;
}

/** Directory names never listed, whatever the ignore files say. */
const ALWAYS_SKIPPED = new Set(['.git', 'node_modules']);
const OUTPOST_IGNORE_FILE = '.outpostignore';
/** How many files are checked on disk at once. */
const STAT_BATCH = 128;

/**
 * The project's files as sorted project-relative paths with `/` separators. In a git work tree
 * git decides what is ignored (every `.gitignore`, `.git/info/exclude`, the global excludes);
 * elsewhere the directory is walked honouring `.gitignore` files. `.outpostignore` at the root
 * (gitignore syntax) applies in both cases, and `.git/` and `node_modules/` are always skipped.
 * Only regular files are listed, and symlinks to files inside the project; symlinked
 * directories are not followed.
 */
export async function listProjectFiles(
  projectRoot: string,
  options: ListProjectFilesOptions = {},
): Promise<string[]> {
  const { signal } = options;
  signal?.throwIfAborted();
  const root = await realpath(projectRoot);
  const under = normaliseUnder(options.under);
  const outpostIgnore = await loadIgnoreFile(path.join(root, OUTPOST_IGNORE_FILE));
  const isOutpostIgnored = (relativePath: string, isDirectory: boolean): boolean =>
    outpostIgnore !== null &&
    outpostIgnore.ignores(isDirectory ? `${relativePath}/` : relativePath);

  const fromGit = await gitListFiles(root, under, signal);
  signal?.throwIfAborted();
  const candidates = fromGit ?? (await walkFiles(root, under, isOutpostIgnored, signal));
  const kept = [...new Set(candidates)].filter(
    (relativePath) => !hasSkippedSegment(relativePath) && !isOutpostIgnored(relativePath, false),
  );
  const files = fromGit === null ? kept : await keepExistingFiles(root, kept, signal);
  return files.sort();
}

function normaliseUnder(under: string | undefined): string {
  if (under === undefined) return '';
  const trimmed = under
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
  return trimmed === '.' ? '' : trimmed;
}

function hasSkippedSegment(relativePath: string): boolean {
  return relativePath.split('/').some((segment) => ALWAYS_SKIPPED.has(segment));
}

/** The files git lists, or null when `root` is not in a git work tree (or git is missing). */
async function gitListFiles(
  root: string,
  under: string,
  signal: AbortSignal | undefined,
): Promise<string[] | null> {
  const args = ['ls-files', '-z', '--cached', '--others', '--exclude-standard'];
  if (under !== '') args.push('--', under);
  const output = await new Promise<Buffer | null>((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
      // Literal pathspecs: a directory named `[abc]` is not a glob. No optional index locks.
      env: { ...process.env, GIT_LITERAL_PATHSPECS: '1', GIT_OPTIONAL_LOCKS: '0' },
      signal,
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', () => {
      if (signal?.aborted) reject(signal.reason as Error);
      // git is not installed (ENOENT): fall back to walking the directory.
      else resolve(null);
    });
    child.on('close', (code) => resolve(code === 0 ? Buffer.concat(chunks) : null));
  });
  if (output === null) return null;
  return output
    .toString('utf8')
    .split('\0')
    .filter((entry) => entry !== '');
}

/**
 * Drops what git lists but is not a file on disk now: deleted files, submodules, symlinks to
 * directories, and symlinks pointing out of the project.
 */
async function keepExistingFiles(
  root: string,
  relativePaths: string[],
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const kept: string[] = [];
  for (let start = 0; start < relativePaths.length; start += STAT_BATCH) {
    signal?.throwIfAborted();
    const batch = relativePaths.slice(start, start + STAT_BATCH);
    const checks = await Promise.all(
      batch.map((relativePath) => isListableFile(root, path.join(root, relativePath))),
    );
    batch.forEach((relativePath, index) => {
      if (checks[index] === true) kept.push(relativePath);
    });
  }
  return kept;
}

async function isListableFile(root: string, absolutePath: string): Promise<boolean> {
  // Synchronous: a project has thousands of files and an lstat takes microseconds, far less than
  // a round trip through libuv's thread pool for each (the caller yields between batches).
  let stats: Stats | undefined;
  try {
    stats = lstatSync(absolutePath, { throwIfNoEntry: false });
  } catch {
    // Unreadable parent directory and the like: not a file to show.
    return false;
  }
  // Listed by git but gone from disk (deleted, not yet staged): not a file to show.
  if (stats === undefined) return false;
  if (stats.isFile()) return true;
  if (!stats.isSymbolicLink()) return false;
  return isFileLinkInside(root, absolutePath);
}

async function isFileLinkInside(root: string, absolutePath: string): Promise<boolean> {
  try {
    const [target, real] = await Promise.all([stat(absolutePath), realpath(absolutePath)]);
    return target.isFile() && isWithin(root, real);
  } catch {
    // A dangling symlink or a loop: nothing readable behind it.
    return false;
  }
}

interface IgnoreLevel {
  /** Project-relative directory holding the `.gitignore` ('' for the root). */
  base: string;
  rules: Ignore;
}

/** Walks the directory tree honouring nested `.gitignore` files the way git does. */
async function walkFiles(
  root: string,
  under: string,
  isOutpostIgnored: (relativePath: string, isDirectory: boolean) => boolean,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const files: string[] = [];
  const isIgnored = (relativePath: string, isDirectory: boolean, levels: IgnoreLevel[]) =>
    isOutpostIgnored(relativePath, isDirectory) || isGitIgnored(relativePath, isDirectory, levels);

  const visit = async (directory: string, levels: IgnoreLevel[]): Promise<void> => {
    signal?.throwIfAborted();
    const absoluteDirectory = path.join(root, directory);
    const own = await loadIgnoreFile(path.join(absoluteDirectory, '.gitignore'));
    const here = own === null ? levels : [...levels, { base: directory, rules: own }];
    let entries: Dirent[];
    try {
      entries = await readdir(absoluteDirectory, { withFileTypes: true });
    } catch {
      // An unreadable directory (permissions) or one removed while walking: list what we can.
      return;
    }
    for (const entry of entries) {
      if (ALWAYS_SKIPPED.has(entry.name)) continue;
      const relativePath = directory === '' ? entry.name : `${directory}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!isIgnored(relativePath, true, here)) await visit(relativePath, here);
      } else if (entry.isFile()) {
        if (!isIgnored(relativePath, false, here)) files.push(relativePath);
      } else if (entry.isSymbolicLink()) {
        const isFile = await isFileLinkInside(root, path.join(root, relativePath));
        if (isFile && !isIgnored(relativePath, false, here)) files.push(relativePath);
      }
    }
  };

  const start = await startOfWalk(root, under);
  if (start.kind === 'missing') return [];
  // Rules in the directories above `under` apply below it too, so load them first.
  const levels = await ancestorIgnoreLevels(root, under);
  if (under !== '' && isPathIgnored(under, start.kind === 'directory', levels, isOutpostIgnored)) {
    return [];
  }
  if (start.kind === 'file') return [under];
  await visit(under, levels);
  return files;
}

async function startOfWalk(
  root: string,
  under: string,
): Promise<{ kind: 'directory' | 'file' | 'missing' }> {
  try {
    const stats = await stat(path.join(root, under));
    if (stats.isDirectory()) return { kind: 'directory' };
    return { kind: stats.isFile() ? 'file' : 'missing' };
  } catch {
    // Nothing there: an empty listing, the caller reports the missing path.
    return { kind: 'missing' };
  }
}

/** The `.gitignore` rules of the root and of every directory above `relativePath`. */
async function ancestorIgnoreLevels(root: string, relativePath: string): Promise<IgnoreLevel[]> {
  const levels: IgnoreLevel[] = [];
  const segments = relativePath === '' ? [] : relativePath.split('/');
  for (let depth = 0; depth < segments.length; depth += 1) {
    const base = segments.slice(0, depth).join('/');
    const rules = await loadIgnoreFile(path.join(root, base, '.gitignore'));
    if (rules !== null) levels.push({ base, rules });
  }
  return levels;
}

/** Whether `relativePath` or a directory above it is ignored (git does not descend into those). */
function isPathIgnored(
  relativePath: string,
  isDirectory: boolean,
  levels: IgnoreLevel[],
  isOutpostIgnored: (relativePath: string, isDirectory: boolean) => boolean,
): boolean {
  const segments = relativePath.split('/');
  if (segments.some((segment) => ALWAYS_SKIPPED.has(segment))) return true;
  for (let depth = 1; depth <= segments.length; depth += 1) {
    const prefix = segments.slice(0, depth).join('/');
    const prefixIsDirectory = depth < segments.length || isDirectory;
    if (isOutpostIgnored(prefix, prefixIsDirectory)) return true;
    if (isGitIgnored(prefix, prefixIsDirectory, levels)) return true;
  }
  return false;
}

/** Git's precedence: the deepest `.gitignore` with a matching rule decides. */
function isGitIgnored(relativePath: string, isDirectory: boolean, levels: IgnoreLevel[]): boolean {
  for (let index = levels.length - 1; index >= 0; index -= 1) {
    const level = levels[index];
    if (level === undefined || !isInside(level.base, relativePath)) continue;
    const local = level.base === '' ? relativePath : relativePath.slice(level.base.length + 1);
    const verdict = level.rules.test(isDirectory ? `${local}/` : local);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

function isInside(base: string, relativePath: string): boolean {
  return base === '' || (relativePath.startsWith(`${base}/`) && relativePath !== base);
}

async function loadIgnoreFile(absolutePath: string): Promise<Ignore | null> {
  let text: string;
  try {
    text = await readFile(absolutePath, 'utf8');
  } catch {
    // No ignore file here (the usual case) or an unreadable one: no rules from it.
    return null;
  }
  return ignore().add(text);
}
