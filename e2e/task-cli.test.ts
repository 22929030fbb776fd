import { join } from 'node:path';
import type { FieldConflict, TaskRecord } from '@outpost/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { createWorkspace } from './support/project.js';
import type { E2eWorkspace } from './support/project.js';

let workspace: E2eWorkspace;
let homeB: string;
beforeEach(() => {
  workspace = createWorkspace();
  homeB = `${workspace.home}-b`;
});
afterEach(() => workspace.cleanup());

const outpost = (args: string[], home = workspace.home) =>
  runCli(args, { cwd: workspace.root, env: { OUTPOST_HOME: home } });

async function succeed(args: string[], home = workspace.home): Promise<string> {
  const result = await outpost(['task', ...args], home);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

async function refused(args: string[], message: string, home = workspace.home) {
  const result = await outpost(['task', ...args], home);
  expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: '' });
  expect(result.stderr).toContain(message);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
}

async function tasks(home = workspace.home, all = true): Promise<TaskRecord[]> {
  const stdout = await succeed(['list', '--json', ...(all ? ['--all'] : [])], home);
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as TaskRecord);
}

const file = (name: string) => join(workspace.root, '..', name);

/** Exports from one home and imports into the other; returns what the import printed. */
async function exchange(from: string, to: string, name: string): Promise<string> {
  expect((await outpost(['sync', 'export', file(name)], from)).code).toBe(0);
  const imported = await outpost(['sync', 'import', file(name)], to);
  expect(imported.code).toBe(0);
  return imported.stdout;
}

describe('outpost task', () => {
  it('adds, lists, shows, edits and moves tasks through their states', async () => {
    const added = await succeed([
      'add',
      'Port',
      'the parser to ESM',
      '--priority',
      '1',
      '--label',
      'esm,build',
      '--body',
      'Start with src/parser.',
    ]);
    expect(added).toMatch(
      /^Added [0-9a-f-]{8,} {2}queued {7}P1 {2}Port the parser to ESM {2}esm, build\n$/,
    );
    await succeed(['add', 'Write the changelog']);
    const [port, changelog] = await tasks();
    const id = port?.id ?? '';
    expect(port).toMatchObject({
      title: 'Port the parser to ESM',
      body: 'Start with src/parser.',
      priority: 1,
      labels: ['esm', 'build'],
      status: { state: 'queued', epoch: 0 },
      conflicted: false,
      deleted: false,
    });
    expect(changelog).toMatchObject({ priority: 2, body: '', labels: [] });

    const list = (await succeed(['list'])).trimEnd().split('\n');
    expect(list).toEqual([
      expect.stringMatching(
        /^[0-9a-f-]{8,} +queued {7}P1 {2}Port the parser to ESM {2}esm, build$/,
      ) as string,
      expect.stringMatching(/^[0-9a-f-]{8,} +queued {7}P2 {2}Write the changelog$/) as string,
    ]);

    const prefix = id.slice(0, 18);
    expect(await succeed(['start', prefix])).toMatch(/^Started \S+ +in progress {2}P1 /);
    expect(await succeed(['done', prefix])).toMatch(/^Done \S+ +done {9}P1 /);
    await refused(['start', prefix], 'task refused: it is done; reopen it first');
    expect((await succeed(['list'])).split('\n')[0]).toContain('Write the changelog');
    expect(await succeed(['list', '--all'])).toContain('done         P1  Port the parser to ESM');
    expect(await succeed(['reopen', prefix])).toMatch(/^Reopened \S+ +queued /);
    expect(await succeed(['fail', prefix, '--json'])).toContain(
      '"status":{"state":"failed","epoch":1}',
    );
    await succeed(['reopen', prefix]);

    const edited = await succeed(['edit', prefix, '--title', 'Port to ESM', '--priority', '0']);
    expect(edited).toMatch(/^Updated \S+ +queued {7}P0 {2}Port to ESM {2}esm, build\n$/);
    const show = await succeed(['show', prefix]);
    for (const line of [
      'Port to ESM',
      `id        ${id}`,
      'status    queued (epoch 2)',
      'priority  0 (0 most urgent, 4 least)',
      'labels    esm, build',
      'links     (none)',
      'Start with src/parser.',
    ]) {
      expect(show).toContain(line);
    }
    const json = JSON.parse(await succeed(['show', id, '--json'])) as TaskRecord & {
      conflicts: FieldConflict[];
    };
    expect(json).toMatchObject({ id, title: 'Port to ESM', conflicts: [] });
  });

  it('refuses bad input with a clear message, exit code 2, and changes nothing', async () => {
    await succeed(['add', 'Kept']);
    const [kept] = await tasks();
    const id = kept?.id ?? '';
    const before = await succeed(['list', '--all', '--json']);
    await refused(['add', ' '], 'the title is empty');
    await refused(['add', 'T', '--priority', '7'], 'the priority must be a whole number from 0');
    await refused(['add', 'T', '--priority', 'high'], '--priority takes a whole number');
    await refused(['add', 'T', '--label', 'two words'], 'label "two words" contains a space');
    await refused(['add', 'T', '--link', 'commit:deadbeef'], 'there is no such commit');
    await refused(['add', 'T', '--link', 'nonsense'], '--link takes type:id');
    await refused(['edit', id], 'Nothing to change');
    await refused(['reopen', id], 'it is queued, not done or failed');
    await refused(['pick', id, 'title', '1'], 'its title is not conflicted');
    await refused(['pick', id, 'title', 'first'], 'N must be the number of a value');
    await refused(['show', 'ffffffff'], 'no task in');
    expect(await succeed(['list', '--all', '--json'])).toBe(before);
  });

  it('deletes a task (hidden, kept) and restores it', async () => {
    await succeed(['add', 'Short-lived']);
    const [task] = await tasks();
    const id = task?.id ?? '';
    expect(await succeed(['delete', id])).toMatch(/^Deleted \S+ .*Short-lived {2}\[deleted\]\n$/);
    expect(await tasks()).toEqual([]);
    await refused(['start', id], 'no task');
    expect(await succeed(['show', id])).toContain(
      'deleted   yes (outpost task restore brings it back)',
    );
    expect(await succeed(['restore', id])).toMatch(/^Restored \S+ /);
    expect((await tasks()).map((each) => each.id)).toEqual([id]);
  });

  it('two homes: a stale start cannot undo done, and a conflicted priority is picked on both', async () => {
    await succeed(['add', 'Port the parser']);
    const [task] = await tasks();
    const id = task?.id ?? '';
    await exchange(workspace.home, homeB, 'a-1.ops');

    // A finishes the task and raises its priority; B, offline, starts it and lowers it.
    await succeed(['done', id]);
    await succeed(['edit', id, '--priority', '0']);
    await succeed(['start', id], homeB);
    await succeed(['edit', id, '--priority', '4'], homeB);
    // B's start is the later write, but done ranks above it; B's priority is the later write.
    const intoB = await exchange(workspace.home, homeB, 'a-2.ops');
    expect(intoB).toContain(
      `task ${id} status: the imported value is kept (by rank: the later epoch, then done or ` +
        'failed over an open state, then the later write)',
    );
    expect(intoB).toContain(`task ${id} priority: this store's value is kept (the later write)`);
    await exchange(homeB, workspace.home, 'b-1.ops');

    for (const home of [workspace.home, homeB]) {
      const [merged] = await tasks(home);
      expect(merged).toMatchObject({
        status: { state: 'done', epoch: 0 },
        priority: 4,
        conflicted: true,
      });
      expect(await succeed(['list', '--all'], home)).toContain('[conflicted]');
      const show = await succeed(['show', id], home);
      expect(show).toMatch(/conflicted: priority \(keep one: outpost task pick \S+ priority N\)/);
      expect(show).toMatch(/ 1 {2}4 {2}\(current\) {2}device /);
      expect(show).toMatch(/ 2 {2}0 +device /);
    }
    expect(await succeed(['pick', id, 'priority', '2'], homeB)).toMatch(
      /^Kept value 2 of priority: /,
    );
    await exchange(homeB, workspace.home, 'b-2.ops');
    const showA = await succeed(['show', id, '--json']);
    expect(await succeed(['show', id, '--json'], homeB)).toBe(showA);
    expect(JSON.parse(showA)).toMatchObject({
      priority: 0,
      status: { state: 'done', epoch: 0 },
      conflicted: false,
      conflicts: [],
    });
  });

  it('tells the truth in --help', async () => {
    const help = await outpost(['task', '--help']);
    expect(help.code).toBe(0);
    for (const command of [
      'add',
      'list',
      'show',
      'edit',
      'start',
      'block',
      'done',
      'fail',
      'reopen',
      'delete',
      'restore',
      'pick',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`\\n  ${command} `));
    }
    expect(help.stdout).toContain('a stale start never undoes done');
    expect((await outpost(['--help'])).stdout).toContain('outpost task add');
  });
});
