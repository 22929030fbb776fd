import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeTurnContext } from './turn-context.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'outpost-turn-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const now = () => new Date('2026-11-24T21:05:09Z');

describe('describeTurnContext', () => {
  it('gives the time, the branch and the changed files', async () => {
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
    writeFileSync(join(root, 'new.py'), 'x = 1\n');
    expect(await describeTurnContext({ projectRoot: root, now })).toBe(
      'Time: 2026-11-24 21:05 UTC\nGit branch: No commits yet on main\nGit status:\n?? new.py',
    );
  });

  it('gives only the time outside git', async () => {
    expect(await describeTurnContext({ projectRoot: root, now })).toBe(
      'Time: 2026-11-24 21:05 UTC',
    );
  });
});
