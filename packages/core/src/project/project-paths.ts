import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import type { ToolError } from '../tool/tool.js';

export type ProjectPathResult =
  | {
      ok: true;
      /** The path inside the project, as the model named it (symlinks not resolved). */
      absolutePath: string;
      /** Relative to the project root with `/` separators; `.` for the root itself. */
      relativePath: string;
    }
  | { ok: false; error: ToolError };

/** Following more links than this is a loop (Linux gives up at 40 too). */
const MAX_SYMLINK_HOPS = 40;

/**
 * Resolves a path the model gave (relative to the project root, or absolute) and refuses any
 * that leaves the root: through `..`, an absolute path elsewhere, or a symlink whose target is
 * outside. For a path that does not exist yet, its nearest existing ancestor is checked, so a
 * file can't be created through a symlinked directory that points out of the project.
 */
export function resolveProjectPath(projectRoot: string, userPath: string): ProjectPathResult {
  const root = path.resolve(projectRoot);
  const absolutePath = path.resolve(root, userPath.trim());
  if (!isWithin(root, absolutePath)) {
    return { ok: false, error: outsideProjectError(root, userPath) };
  }
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch (error) {
    return { ok: false, error: { kind: 'io-error', message: describeIoError(error, root) } };
  }
  const real = realTarget(absolutePath);
  if (real === null) {
    return {
      ok: false,
      error: {
        kind: 'io-error',
        message: `${userPath} could not be resolved (a symlink loop?). Use another path.`,
      },
    };
  }
  if (!isWithin(realRoot, real)) {
    return { ok: false, error: outsideProjectError(root, userPath, 'through a symlink') };
  }
  return { ok: true, absolutePath, relativePath: toRelativePath(root, absolutePath) };
}

/**
 * Refuses writes inside any `.git` directory (the project's or a submodule's): changing git's
 * own files could corrupt the repository. Returns null when the path may be written.
 */
export function gitDirectoryWriteError(relativePath: string): ToolError | null {
  const insideGit = relativePath.split('/').some((segment) => segment.toLowerCase() === '.git');
  if (!insideGit) return null;
  return {
    kind: 'outside-project',
    message: `${relativePath} is inside .git; files there can't be changed with this tool. Use run_command with git commands instead.`,
  };
}

/** `resolveProjectPath` for a file about to be written: also refuses paths inside `.git`. */
export function resolveWritableProjectPath(
  projectRoot: string,
  userPath: string,
): ProjectPathResult {
  const resolved = resolveProjectPath(projectRoot, userPath);
  if (!resolved.ok) return resolved;
  const gitError = gitDirectoryWriteError(resolved.relativePath);
  return gitError === null ? resolved : { ok: false, error: gitError };
}

/** `root`-relative form of an absolute path, with `/` separators (`.` for the root). */
export function toRelativePath(root: string, absolutePath: string): string {
  const relative = path.relative(root, absolutePath);
  return relative === '' ? '.' : relative.split(path.sep).join('/');
}

/** Whether `candidate` is `root` itself or somewhere below it (both absolute and normalised). */
export function isWithin(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return (
    relative === '' ||
    (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
  );
}

/**
 * The real location `absolutePath` refers to: its realpath if it exists; otherwise the realpath
 * of its nearest existing ancestor joined with the missing rest. A dangling symlink is followed
 * to where it points, since writing to it would create its target. Null on a symlink loop.
 */
function realTarget(absolutePath: string): string | null {
  let current = absolutePath;
  let missing: string[] = [];
  for (let hops = 0; hops <= MAX_SYMLINK_HOPS;) {
    try {
      return path.join(realpathSync(current), ...missing);
    } catch (error) {
      if (!isMissingError(error)) return null;
    }
    const linkTarget = readLinkOrNull(current);
    if (linkTarget !== null) {
      current = path.resolve(path.dirname(current), linkTarget);
      hops += 1;
      continue;
    }
    const parent = path.dirname(current);
    if (parent === current) return path.join(current, ...missing);
    missing = [path.basename(current), ...missing];
    current = parent;
  }
  return null;
}

function readLinkOrNull(candidate: string): string | null {
  try {
    return lstatSync(candidate).isSymbolicLink() ? readlinkSync(candidate) : null;
  } catch {
    // The entry itself does not exist: not a link, so the caller moves on to its parent.
    return null;
  }
}

function isMissingError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function outsideProjectError(root: string, userPath: string, how?: string): ToolError {
  const suggestion = suggestRelativeForm(root, userPath);
  const reached = how === undefined ? '' : ` ${how}`;
  return {
    kind: 'outside-project',
    message:
      `${userPath} is outside the project${reached}. Paths must be inside the project; ` +
      `give them relative to the project root, e.g. ${suggestion}.`,
  };
}

/** A project-relative path the model probably meant, or a generic example. */
function suggestRelativeForm(root: string, userPath: string): string {
  const trimmed = userPath.trim();
  // `/src/a.py` is usually a project-relative path written with a leading slash.
  if (path.isAbsolute(trimmed)) {
    const withoutSlash = trimmed.replace(/^\/+/, '');
    const underRoot = path.resolve(root, withoutSlash);
    if (withoutSlash !== '' && isWithin(root, underRoot) && !withoutSlash.startsWith('..')) {
      return `"${toRelativePath(root, underRoot)}"`;
    }
  }
  return '"src/main.py" (not "../" or "/...")';
}

function describeIoError(error: unknown, target: string): string {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  return `Could not read ${target} (${code}).`;
}
