import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throwaway git repository with a small Python project whose test fails, and an Outpost home. */
export interface E2eWorkspace {
  root: string;
  home: string;
  read(path: string): string;
  cleanup(): void;
}

export const BUGGY_CALC = 'def add(a, b):\n    return a - b\n';

export function createWorkspace(files: Record<string, string> = {}): E2eWorkspace {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'outpost-e2e-')));
  const root = join(base, 'project');
  const home = join(base, 'home');
  mkdirSync(root);
  const all: Record<string, string> = {
    'calc.py': BUGGY_CALC,
    'test_calc.py':
      'from calc import add\nassert add(2, 3) == 5, "add(2, 3) should be 5"\nprint("1 passed")\n',
    ...files,
  };
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'ignore' });
  git('init', '-q');
  git('-c', 'user.email=e2e@outpost.invalid', '-c', 'user.name=e2e', 'add', '.');
  git('-c', 'user.email=e2e@outpost.invalid', '-c', 'user.name=e2e', 'commit', '-qm', 'initial');
  return {
    root,
    home,
    read: (path) => readFileSync(join(root, path), 'utf8'),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}
