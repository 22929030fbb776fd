import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git, manifest, repositoryState } from './__fixtures__/project-tree.js';
import { CheckpointError } from './checkpoint-error.js';
import { privateGitDir } from './checkpoint-repository.js';
import { createCheckpoints } from './checkpoints.js';
import type { CheckpointTarget } from './checkpoints.js';

let base: string;
let projectRoot: string;
let dataDirectory: string;

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'outpost-checkpoint-')));
  projectRoot = join(base, 'project');
  dataDirectory = join(base, 'home');
  mkdirSync(projectRoot);
});

afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

function write(path: string, content: string | Buffer, mode?: number): void {
  const absolute = join(projectRoot, path);
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, content);
  if (mode !== undefined) chmodSync(absolute, mode);
}

const BINARY = Buffer.concat([Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0]), randomBytes(4096)]);

/** A committed project with a bit of everything, then uncommitted work on top. */
function gitProject(): void {
  git(projectRoot, 'init', '-q');
  write('.gitignore', 'build/\n*.log\n');
  write('src/main.py', 'print("hello")\n');
  write('windows.txt', 'line one\r\nline two\r\n');
  write('run.sh', '#!/bin/sh\necho run\n', 0o755);
  write('tool.sh', '#!/bin/sh\necho tool\n', 0o644);
  write('assets/logo.bin', BINARY);
  symlinkSync('src/main.py', join(projectRoot, 'main-link'));
  git(projectRoot, 'add', '.');
  git(projectRoot, 'commit', '-qm', 'initial');
  // Work in progress: a staged change, an unstaged one, an untracked file, ignored files, a stash.
  write('stashed.txt', 'one\n');
  git(projectRoot, 'add', 'stashed.txt');
  git(projectRoot, 'stash', '-q');
  write('src/main.py', 'print("hello, staged")\n');
  git(projectRoot, 'add', 'src/main.py');
  write('src/main.py', 'print("hello, not staged yet")\n');
  write('notes/todo.md', '- untracked\n');
  write('build/out.js', 'ignored();\n');
  write('debug.log', 'ignored\n');
  // Line-ending conversion must not change what a checkpoint keeps.
  git(projectRoot, 'config', 'core.autocrlf', 'true');
}

/** What a session might do: change, delete, create, change modes and links. */
function sessionChanges(): void {
  write('src/main.py', 'print("rewritten by the model")\n');
  write('windows.txt', 'line one\nline two changed\n');
  // Whole directories deleted (a snapshot has no empty directories to give back).
  rmSync(join(projectRoot, 'assets'), { recursive: true });
  rmSync(join(projectRoot, 'notes'), { recursive: true });
  write('src/new/deep/module.py', 'x = 1\n');
  write('NEW.md', BINARY.subarray(0, 100));
  chmodSync(join(projectRoot, 'run.sh'), 0o644);
  chmodSync(join(projectRoot, 'tool.sh'), 0o755);
  unlinkSync(join(projectRoot, 'main-link'));
  symlinkSync('windows.txt', join(projectRoot, 'main-link'));
  write('build/out.js', 'rebuilt();\n');
}

const targetOf = (event: { commit: string | null }): CheckpointTarget => ({
  commit: event.commit ?? '',
  repository: 'project',
});

describe('checkpoints in a git repository', () => {
  it('snapshots the working tree without touching the index, HEAD, refs, stash or status', async () => {
    gitProject();
    const before = repositoryState(projectRoot);
    const head = git(projectRoot, 'rev-parse', 'HEAD').trim();

    const event = await createCheckpoints({ projectRoot, dataDirectory }).take('session-1');

    expect(repositoryState(projectRoot)).toEqual(before);
    expect(event).toMatchObject({
      type: 'checkpoint',
      reason: 'before-write',
      ref: 'refs/outpost/checkpoints/session-1',
      repository: 'project',
      leftOut: [],
    });
    expect(git(projectRoot, 'rev-parse', 'refs/outpost/checkpoints/session-1').trim()).toBe(
      event.commit,
    );
    expect(git(projectRoot, 'rev-parse', `${event.commit}^`).trim()).toBe(head);
    const files = git(projectRoot, 'ls-tree', '-r', '--name-only', event.commit ?? '')
      .trim()
      .split('\n');
    expect(files).toEqual([
      '.gitignore',
      'assets/logo.bin',
      'main-link',
      'notes/todo.md',
      'run.sh',
      'src/main.py',
      'tool.sh',
      'windows.txt',
    ]);
    expect(event.files).toBe(files.length);
    // The working tree's bytes, not the staged version, and no line-ending conversion.
    expect(git(projectRoot, 'show', `${event.commit}:src/main.py`)).toBe(
      'print("hello, not staged yet")\n',
    );
    expect(git(projectRoot, 'cat-file', 'blob', `${event.commit}:windows.txt`)).toBe(
      'line one\r\nline two\r\n',
    );
    expect(existsSync(privateGitDir(dataDirectory, projectRoot))).toBe(false);
  });

  it('puts back changed, deleted and created files byte for byte, with modes and links', async () => {
    gitProject();
    const checkpoints = createCheckpoints({ projectRoot, dataDirectory, now: () => 1234 });
    const before = manifest(projectRoot);
    const stateBefore = repositoryState(projectRoot);
    const event = await checkpoints.take('session-2');
    sessionChanges();
    const changed = manifest(projectRoot);

    const plan = await checkpoints.plan(targetOf(event));
    expect(plan.changes.map((change) => `${change.kind} ${change.path}`)).toEqual([
      'delete NEW.md',
      'recreate assets/logo.bin',
      'restore main-link',
      'recreate notes/todo.md',
      'restore run.sh',
      'restore src/main.py',
      'delete src/new/deep/module.py',
      'restore tool.sh',
      'restore windows.txt',
    ]);
    expect(plan.headMoved).toBeUndefined();
    expect(manifest(projectRoot)).toEqual(changed);

    const outcome = await checkpoints.restore(targetOf(event), {
      sessionId: 'session-2',
      reason: 'undo',
    });

    expect(outcome.result).toEqual({ written: 7, deleted: 2, failures: [] });
    // Ignored files are neither kept nor touched: build/out.js stays as the session left it.
    expect(manifest(projectRoot)).toEqual({
      ...before,
      'build/out.js': changed['build/out.js'],
    });
    expect(repositoryState(projectRoot)).toEqual(stateBefore);
    expect(outcome.event).toMatchObject({
      type: 'checkpoint',
      reason: 'undo',
      ref: 'refs/outpost/undo/session-2/1234',
      repository: 'project',
      restored: { commit: event.commit, written: 7, deleted: 2 },
    });

    // The undo saved the tree it replaced, whose parent is the checkpoint: it can be put back.
    const undo = outcome.event?.commit ?? '';
    expect(git(projectRoot, 'rev-parse', `${undo}^`).trim()).toBe(event.commit);
    const redo = await checkpoints.restore(
      { commit: undo, repository: 'project' },
      { sessionId: 'session-2', reason: 'redo' },
    );
    expect(redo.result.failures).toEqual([]);
    expect(manifest(projectRoot)).toEqual(changed);
  });

  it('works before the first commit (the snapshot has no parent)', async () => {
    git(projectRoot, 'init', '-q');
    write('a.txt', 'a\n');
    const checkpoints = createCheckpoints({ projectRoot, dataDirectory });
    const event = await checkpoints.take('s');
    expect(git(projectRoot, 'rev-list', '--parents', '-n', '1', event.commit ?? '').trim()).toBe(
      event.commit,
    );
    write('a.txt', 'changed\n');
    write('b.txt', 'b\n');
    const outcome = await checkpoints.restore(targetOf(event), { sessionId: 's', reason: 'undo' });
    expect(outcome.result).toEqual({ written: 1, deleted: 1, failures: [] });
    expect(manifest(projectRoot)).toEqual({ 'a.txt': Buffer.from('a\n').toString('base64') });
    expect(git(projectRoot, 'status', '--porcelain')).toBe('?? a.txt\n');
  });

  it('says when HEAD moved since the checkpoint (commits are not undone)', async () => {
    git(projectRoot, 'init', '-q');
    write('a.txt', 'a\n');
    git(projectRoot, 'add', '.');
    git(projectRoot, 'commit', '-qm', 'one');
    const checkpoints = createCheckpoints({ projectRoot, dataDirectory });
    const event = await checkpoints.take('s');
    const then = git(projectRoot, 'rev-parse', 'HEAD').trim();
    write('a.txt', 'b\n');
    git(projectRoot, 'commit', '-qam', 'two');
    const plan = await checkpoints.plan(targetOf(event));
    expect(plan.headMoved).toEqual({ then, now: git(projectRoot, 'rev-parse', 'HEAD').trim() });
    expect(plan.changes).toEqual([expect.objectContaining({ path: 'a.txt', kind: 'restore' })]);
  });

  it('leaves files larger than the limit out, and alone', async () => {
    git(projectRoot, 'init', '-q');
    write('small.txt', 'small\n');
    write('big.bin', Buffer.alloc(2000, 1));
    const checkpoints = createCheckpoints({
      projectRoot,
      dataDirectory,
      limits: { maxFileBytes: 1000 },
    });
    const event = await checkpoints.take('s');
    expect(event.leftOut).toEqual(['big.bin']);
    write('big.bin', Buffer.alloc(3000, 2));
    write('small.txt', 'changed\n');
    const outcome = await checkpoints.restore(targetOf(event), { sessionId: 's', reason: 'undo' });
    expect(outcome.plan.changes.map((change) => change.path)).toEqual(['small.txt']);
    expect(readFileSync(join(projectRoot, 'big.bin'))).toEqual(Buffer.alloc(3000, 2));
    expect(readFileSync(join(projectRoot, 'small.txt'), 'utf8')).toBe('small\n');
  });

  it('changes nothing and records nothing when the tree already matches', async () => {
    git(projectRoot, 'init', '-q');
    write('a.txt', 'a\n');
    const checkpoints = createCheckpoints({ projectRoot, dataDirectory });
    const event = await checkpoints.take('s');
    const outcome = await checkpoints.restore(targetOf(event), { sessionId: 's', reason: 'undo' });
    expect(outcome.plan.changes).toEqual([]);
    expect(outcome.event).toBeUndefined();
    expect(git(projectRoot, 'for-each-ref', 'refs/outpost/undo/')).toBe('');
  });

  it('refuses a checkpoint that is not in the repository, changing nothing', async () => {
    git(projectRoot, 'init', '-q');
    write('a.txt', 'a\n');
    const checkpoints = createCheckpoints({ projectRoot, dataDirectory });
    const missing = { commit: 'a'.repeat(40), repository: 'project' as const };
    await expect(checkpoints.restore(missing, { sessionId: 's', reason: 'undo' })).rejects.toThrow(
      /Checkpoint aaaaaaaaaa is not in the project's git repository: it was taken on another machine/,
    );
    await expect(checkpoints.plan(missing)).rejects.toBeInstanceOf(CheckpointError);
    expect(manifest(projectRoot)).toEqual({ 'a.txt': Buffer.from('a\n').toString('base64') });
  });

  it('diffs the checkpoint against the working tree now, whole or as --stat', async () => {
    gitProject();
    const checkpoints = createCheckpoints({ projectRoot, dataDirectory });
    const event = await checkpoints.take('s');
    sessionChanges();
    const diff = await checkpoints.diff(targetOf(event), { stat: false, color: false });
    expect(diff.text).toContain(
      '-print("hello, not staged yet")\n+print("rewritten by the model")',
    );
    expect(diff.text).toContain('new file mode 100644\nindex 0000000..');
    expect(diff.text).toContain('diff --git a/src/new/deep/module.py b/src/new/deep/module.py');
    expect(diff.text).toContain('old mode 100755\nnew mode 100644');
    expect(diff.text).not.toContain('\u001b[');
    expect(diff.changes.map((change) => change.path)).toContain('notes/todo.md');
    const stat = await checkpoints.diff(targetOf(event), { stat: true, color: false });
    expect(stat.text).toMatch(/src\/main\.py\s+\|\s+2 \+-/);
    expect(stat.text).toMatch(/9 files changed/);
  });
});

describe('checkpoints outside git', () => {
  it('keep snapshots in a private repository under the data directory, honouring ignore files', async () => {
    write('.gitignore', 'dist/\n');
    write('.outpostignore', 'secret/\n');
    write('app.py', 'print(1)\n');
    write('tool.sh', '#!/bin/sh\n', 0o755);
    write('data.bin', BINARY);
    write('dist/bundle.js', 'built\n');
    write('secret/key', 'k\n');
    write('node_modules/lib/index.js', 'lib\n');
    const before = manifest(projectRoot);
    const checkpoints = createCheckpoints({ projectRoot, dataDirectory, now: () => 7 });

    const event = await checkpoints.take('s');

    expect(event).toMatchObject({ repository: 'outpost', files: 5, leftOut: [] });
    expect(existsSync(join(projectRoot, '.git'))).toBe(false);
    const gitDir = privateGitDir(dataDirectory, projectRoot);
    expect(git(base, '--git-dir', gitDir, 'ls-tree', '-r', '--name-only', event.commit ?? '')).toBe(
      '.gitignore\n.outpostignore\napp.py\ndata.bin\ntool.sh\n',
    );

    write('app.py', 'print(2)\n');
    unlinkSync(join(projectRoot, 'data.bin'));
    write('added/new.txt', 'new\n');
    chmodSync(join(projectRoot, 'tool.sh'), 0o644);
    write('secret/key', 'changed but ignored\n');
    const outcome = await checkpoints.restore(
      { commit: event.commit ?? '', repository: 'outpost' },
      { sessionId: 's', reason: 'undo' },
    );
    expect(outcome.result).toEqual({ written: 3, deleted: 1, failures: [] });
    expect(manifest(projectRoot)).toEqual({
      ...before,
      'secret/key': Buffer.from('changed but ignored\n').toString('base64'),
    });
    expect(existsSync(join(projectRoot, '.git'))).toBe(false);
  });

  it('refuse a project too big to snapshot, saying what to do', async () => {
    for (const name of ['a', 'b', 'c', 'd']) write(`${name}.txt`, name);
    const checkpoints = createCheckpoints({ projectRoot, dataDirectory, limits: { maxFiles: 3 } });
    await expect(checkpoints.take('s')).rejects.toThrow(
      /has 4 files that are not ignored, more than the 3 a checkpoint outside git takes\. Make it a git repository \(git init\), or name what to leave out in \.gitignore or \.outpostignore\./,
    );
  });
});
