import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reply } from '@outpost/test-kit';
import { describe, expect, it } from 'vitest';
import { useCliFixture } from './support/fixture.js';

const cli = useCliFixture({
  files: {
    '.gitignore': '*.log\n',
    'run.sh': '#!/bin/sh\necho run\n',
    'docs/guide.md': '# Guide\n',
  },
});

const BINARY = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x0d, 0x0a, 0, 0x80]);

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.email=e2e@outpost.invalid', '-c', 'user.name=e2e', ...args],
    { cwd, encoding: 'utf8' },
  );
}

/** Every file and directory but `.git/`: bytes, executable bit; equal manifests, equal trees. */
function manifest(root: string, directory = ''): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of readdirSync(join(root, directory))) {
    const path = directory === '' ? name : `${directory}/${name}`;
    if (path === '.git') continue;
    const stats = lstatSync(join(root, path));
    if (stats.isDirectory()) {
      result[`${path}/`] = 'directory';
      Object.assign(result, manifest(root, path));
    } else {
      const mode = (stats.mode & 0o100) !== 0 ? 'x ' : '';
      result[path] = `${mode}${readFileSync(join(root, path)).toString('base64')}`;
    }
  }
  return result;
}

/** The user's git state: index bytes, HEAD, refs but Outpost's, status (read without locks). */
function repositoryState(root: string): Record<string, string> {
  const quiet = (...args: string[]) => git(root, '--no-optional-locks', ...args);
  return {
    index: readFileSync(join(root, '.git', 'index')).toString('base64'),
    head: readFileSync(join(root, '.git', 'HEAD'), 'utf8'),
    refs: quiet('for-each-ref', '--format=%(refname) %(objectname)')
      .split('\n')
      .filter((line) => !line.startsWith('refs/outpost/'))
      .join('\n'),
    status: quiet('status', '--porcelain=v1', '--untracked-files=all', '--ignored'),
  };
}

interface Shown {
  events: { device: string; data: { type: string; [key: string]: unknown } }[];
}

async function onlySessionId(): Promise<string> {
  const listed = await cli.run(['sessions', 'list', '--json']);
  const [line] = listed.stdout.trim().split('\n');
  return (JSON.parse(line ?? '{}') as { id: string }).id;
}

describe('outpost undo and sessions diff', () => {
  it('show what a session changed and put the exact tree back, index untouched', async () => {
    const root = cli.workspace.root;
    // No test file at the root: the session's answer is not checked by running tests.
    git(root, 'rm', '-q', 'test_calc.py');
    git(root, 'commit', '-qm', 'no tests');
    // Work in progress the session must not lose: an executable bit, untracked and ignored files.
    chmodSync(join(root, 'run.sh'), 0o755);
    writeFileSync(join(root, 'notes.txt'), 'my notes, not committed\n');
    writeFileSync(join(root, 'data.bin'), BINARY);
    writeFileSync(join(root, 'debug.log'), 'ignored\n');
    const before = manifest(root);
    const state = repositoryState(root);

    cli.server.push(
      reply().toolCall('edit_file', {
        path: 'calc.py',
        search: 'return a - b',
        replace: 'return a + b',
      }),
      reply().toolCall('write_file', { path: 'src/new_module.py', content: 'VALUE = 1\n' }),
      reply().toolCall('run_command', {
        command: 'rm data.bin && chmod -x run.sh && rm -r docs && echo changed > debug.log',
      }),
      reply().text('Fixed add and tidied up.'),
      reply().text('Nothing to remember.'),
    );
    const run = await cli.run(['run', '--approval', 'full-auto', 'fix add']);
    expect(run.code).toBe(0);
    const id = await onlySessionId();
    const short = id.slice(0, 8);
    expect(run.stderr).toContain(
      `Checkpoint saved before the first change: outpost undo ${short} puts the files back`,
    );
    const after = manifest(root);
    expect(after).not.toEqual(before);

    // The checkpoint is an event, recorded before the first change, naming a private ref.
    const shown = JSON.parse((await cli.run(['sessions', 'show', id, '--json'])).stdout) as Shown;
    const types = shown.events.map((event) => event.data.type);
    expect(types.filter((type) => type === 'checkpoint')).toHaveLength(1);
    expect(types.indexOf('checkpoint')).toBeLessThan(types.indexOf('file-change'));
    const checkpoint = shown.events.find((event) => event.data.type === 'checkpoint')?.data;
    expect(checkpoint).toMatchObject({
      reason: 'before-write',
      ref: `refs/outpost/checkpoints/${id}`,
      repository: 'project',
    });
    expect(git(root, 'rev-parse', `refs/outpost/checkpoints/${id}`).trim()).toBe(
      checkpoint?.commit,
    );
    expect(repositoryState(root).index).toBe(state.index);

    const diff = await cli.run(['sessions', 'diff', short]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('-    return a - b\n+    return a + b');
    expect(diff.stdout).toContain(
      'diff --git a/src/new_module.py b/src/new_module.py\nnew file mode',
    );
    expect(diff.stdout).toContain('diff --git a/data.bin b/data.bin\ndeleted file mode');
    expect(diff.stdout).toContain('old mode 100755\nnew mode 100644');
    expect(diff.stdout).not.toContain('debug.log');
    expect(diff.stdout).not.toContain('\u001b[');
    expect(diff.stderr).toMatch(
      /Not written by the session's file edits .*data\.bin, docs\/guide\.md, run\.sh/,
    );
    const stat = await cli.run(['sessions', 'diff', short, '--stat']);
    expect(stat.stdout).toMatch(/calc\.py\s+\|\s+2 \+-/);
    expect(stat.stdout).toMatch(/5 files changed/);

    // Without a terminal to ask, undo wants --yes; --dry-run lists and changes nothing.
    const unconfirmed = await cli.run(['undo']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('confirm with --yes');
    const dry = await cli.run(['undo', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`Session ${short} "fix add"`);
    expect(dry.stdout).toMatch(/^ {2}restore {3}calc\.py$/m);
    expect(dry.stdout).toMatch(/^ {2}recreate {2}data\.bin$/m);
    expect(dry.stdout).toMatch(/^ {2}delete {4}src\/new_module\.py$/m);
    expect(dry.stdout).toContain('5 files: 2 restored, 2 recreated, 1 deleted.');
    expect(manifest(root)).toEqual(after);

    const undo = await cli.run(['undo', '--yes']);
    expect(undo.code).toBe(0);
    expect(undo.stdout).toContain('4 files written, 1 deleted.');
    expect(undo.stdout).toContain(`To put that back: outpost undo ${short} --redo`);
    // Byte for byte, modes included; the ignored file stays as the session left it.
    expect(manifest(root)).toEqual({ ...before, 'debug.log': after['debug.log'] });
    expect(repositoryState(root)).toEqual(state);
    const undone = JSON.parse((await cli.run(['sessions', 'show', id, '--json'])).stdout) as Shown;
    expect(undone.events.at(-1)?.data).toMatchObject({
      type: 'checkpoint',
      reason: 'undo',
      restored: { commit: checkpoint?.commit, written: 4, deleted: 1 },
    });
    expect((await cli.run(['sessions', 'show', short])).stdout).toMatch(
      /undo\s+put back [0-9a-f]{10}: 4 written, 1 deleted/,
    );

    // The undo can be undone.
    const redo = await cli.run(['undo', short, '--redo', '--yes']);
    expect(redo.code).toBe(0);
    expect(manifest(root)).toEqual(after);
    expect(repositoryState(root).index).toBe(state.index);
  });

  it('says when undoing an older session takes later sessions back too', async () => {
    const root = cli.workspace.root;
    git(root, 'rm', '-q', 'test_calc.py');
    git(root, 'commit', '-qm', 'no tests');
    const write = (path: string) =>
      cli.server.push(
        reply().toolCall('write_file', { path, content: `${path}\n` }),
        reply().text(`Wrote ${path}.`),
        reply().text('Nothing to remember.'),
      );
    write('first.txt');
    expect((await cli.run(['run', '--approval', 'full-auto', 'first'])).code).toBe(0);
    const first = await onlySessionId();
    write('second.txt');
    expect((await cli.run(['run', '--approval', 'full-auto', 'second'])).code).toBe(0);
    const second = (await cli.run(['sessions', 'list', '--json'])).stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { id: string }).id)
      .find((id) => id !== first);

    // Full ids: two sessions a few seconds apart share their first 8 characters.
    const dry = await cli.run(['undo', first, '--dry-run']);
    expect(dry.stdout).toMatch(/^ {2}delete {4}first\.txt$/m);
    expect(dry.stdout).toMatch(/^ {2}delete {4}second\.txt$/m);
    expect(dry.stderr).toContain(
      `Later sessions changed this project too (${second?.slice(0, 8)}): their changes are taken back as well.`,
    );
    // The latest session is the default, and undoing it leaves the first session's file.
    expect((await cli.run(['undo', '--yes'])).code).toBe(0);
    expect(existsSync(join(root, 'first.txt'))).toBe(true);
    expect(existsSync(join(root, 'second.txt'))).toBe(false);
  });

  it('refuses a session that has no checkpoint, saying why', async () => {
    cli.server.push(reply().text('calc.py adds two numbers, wrongly.'));
    expect((await cli.run(['run', 'what does calc.py do?'])).code).toBe(0);
    const id = await onlySessionId();
    const undo = await cli.run(['undo', id.slice(0, 8), '--yes']);
    expect(undo.code).toBe(2);
    expect(undo.stderr).toContain(
      `Session ${id.slice(0, 8)} has no checkpoint: it never changed a file or ran a command`,
    );
    const diff = await cli.run(['sessions', 'diff', id]);
    expect(diff.code).toBe(2);
  });

  it('works outside git, with a private repository under OUTPOST_HOME', async () => {
    const project = realpathSync(mkdtempSync(join(tmpdir(), 'outpost-e2e-plain-')));
    try {
      writeFileSync(join(project, 'calc.py'), 'def add(a, b):\n    return a - b\n');
      const before = manifest(project);
      cli.server.push(
        reply().toolCall('edit_file', {
          path: 'calc.py',
          search: 'return a - b',
          replace: 'return a + b',
        }),
        reply().toolCall('write_file', { path: 'extra.py', content: 'X = 1\n' }),
        reply().text('Done.'),
        reply().text('Nothing to remember.'),
      );
      const run = await cli.run(['run', '--approval', 'full-auto', 'fix add'], { cwd: project });
      expect(run.code).toBe(0);
      expect(readFileSync(join(project, 'calc.py'), 'utf8')).toContain('a + b');

      const undo = await cli.run(['undo', '--yes'], { cwd: project });
      expect(undo.code).toBe(0);
      expect(manifest(project)).toEqual(before);
      expect(existsSync(join(project, '.git'))).toBe(false);
      const name = createHash('sha256').update(project).digest('hex').slice(0, 16);
      expect(existsSync(join(cli.workspace.home, 'checkpoints', `${name}.git`))).toBe(true);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
