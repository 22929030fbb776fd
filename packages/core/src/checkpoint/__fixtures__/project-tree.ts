import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Runs git in `cwd` with a fixed identity (tests never depend on the machine's git config). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.email=test@outpost.invalid', '-c', 'user.name=test', ...args],
    { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/**
 * Everything that says "the user's repository state" apart from the working tree: the index
 * file's bytes, HEAD, every ref but Outpost's own, the stash and the status. Read without
 * optional locks, so reading it does not refresh (rewrite) the index.
 */
export function repositoryState(root: string): Record<string, string> {
  const quiet = (...args: string[]) => git(root, '--no-optional-locks', ...args);
  return {
    index: readFileSync(join(root, '.git', 'index')).toString('base64'),
    head: readFileSync(join(root, '.git', 'HEAD'), 'utf8'),
    refs: quiet('for-each-ref', '--format=%(refname) %(objectname)')
      .split('\n')
      .filter((line) => !line.startsWith('refs/outpost/'))
      .join('\n'),
    stash: quiet('stash', 'list'),
    status: quiet('status', '--porcelain=v1', '--untracked-files=all', '--ignored'),
  };
}

/**
 * Every file and directory under `root` but `.git/`: a file's bytes (base64) and whether it is
 * executable, or the target of a symbolic link. Equal manifests are the same tree byte for byte.
 */
export function manifest(root: string, directory = ''): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of readdirSync(join(root, directory), { withFileTypes: true })) {
    const path = directory === '' ? entry.name : `${directory}/${entry.name}`;
    if (path === '.git') continue;
    const absolute = join(root, path);
    const stats = lstatSync(absolute);
    if (stats.isSymbolicLink()) result[path] = `link → ${readlinkSync(absolute)}`;
    else if (stats.isDirectory()) {
      result[`${path}/`] = 'directory';
      Object.assign(result, manifest(root, path));
    }
    else {
      const executable = (stats.mode & 0o100) !== 0 ? 'x ' : '';
      result[path] = `${executable}${readFileSync(absolute).toString('base64')}`;
    }
  }
  return result;
}
