import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateStoreKey, openStore, storePath } from '@outpost/core';
import type { FieldConflict, MemoryRecord } from '@outpost/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { createWorkspace } from './support/project.js';
import type { E2eWorkspace } from './support/project.js';

let workspace: E2eWorkspace;
beforeEach(() => {
  workspace = createWorkspace({
    'AGENTS.md': '# Rules\nRun the tests before committing.\n',
    '.cursorrules': 'Prefer small functions.\n',
  });
});
afterEach(() => workspace.cleanup());

const run = (args: string[], options: { home?: string; input?: string } = {}) =>
  runCli(['memory', ...args], {
    cwd: workspace.root,
    env: { OUTPOST_HOME: options.home ?? workspace.home },
    ...(options.input === undefined ? {} : { input: options.input }),
  });

async function records(home?: string): Promise<MemoryRecord[]> {
  const result = await run(['list', '--json'], home === undefined ? {} : { home });
  expect(result.code).toBe(0);
  return result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as MemoryRecord & { type?: string })
    .filter((line) => line.type === undefined);
}

const head = () =>
  execFileSync('git', ['rev-parse', 'HEAD'], { cwd: workspace.root, encoding: 'utf8' }).trim();

describe('outpost memory', () => {
  it('adds, lists, shows, edits, accepts, retires and searches records', async () => {
    const sha = head();
    const added = await run([
      'add',
      '--kind',
      'convention',
      '--title',
      'Add with the plus operator',
      '--body',
      'calc.add must return a + b; the test in test_calc.py checks it.',
      '--tags',
      'calc,arithmetic',
      '--paths',
      'calc.py',
      '--link',
      `commit:${sha.slice(0, 10)}`,
    ]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(
      /^Added [0-9a-f-]{8,} {2}accepted {3}convention {2}Add with the plus operator\n$/,
    );
    const fix = await run(
      ['add', '--kind', 'fix', '--title', 'Slow fixture server', '--body', '-', '--json'],
      { input: 'Retry the network tests once.\nThe server starts slowly.\n' },
    );
    expect(fix.code).toBe(0);
    const fixRecord = JSON.parse(fix.stdout) as MemoryRecord;
    expect(fixRecord.body).toBe('Retry the network tests once.\nThe server starts slowly.');

    const [first, second] = await records();
    expect(second).toMatchObject({
      title: 'Add with the plus operator',
      kind: 'convention',
      status: 'accepted',
      tags: ['calc', 'arithmetic'],
      paths: ['calc.py'],
      links: [{ type: 'commit', id: sha.slice(0, 10) }],
    });
    expect(first?.id).toBe(fixRecord.id);
    const id = second?.id ?? '';

    const list = await run(['list']);
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^[0-9a-f-]{8,} +accepted {3}fix {9}Slow fixture server$/);
    expect(lines[1]).toMatch(
      /^[0-9a-f-]{8,} +accepted {3}convention {2}Add with the plus operator$/,
    );
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(/^file +read-only {2}rules {7}AGENTS\.md$/) as string,
      expect.stringMatching(/^file +read-only {2}rules {7}\.cursorrules$/) as string,
    ]);

    const show = await run(['show', id.slice(0, 18)]);
    expect(show.code).toBe(0);
    for (const line of [
      'Add with the plus operator',
      `id        ${id}`,
      'kind      convention',
      'status    accepted',
      'tags      calc, arithmetic',
      'paths     calc.py',
      `links     commit ${sha.slice(0, 10)}`,
      `user      ${second?.provenance.user ?? ''}`,
      `device    ${second?.provenance.device ?? ''}`,
      'session   (none)',
      'model     (none)',
      'calc.add must return a + b; the test in test_calc.py checks it.',
    ]) {
      expect(show.stdout).toContain(line);
    }
    expect(show.stdout).toMatch(/created {3}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);

    const edit = await run(['edit', id, '--title', 'Add with +', '--body', 'Never subtract.']);
    expect(edit.code).toBe(0);
    expect(edit.stdout).toMatch(/^Updated [0-9a-f-]+ {2}accepted {3}convention {2}Add with \+\n$/);

    const search = await run(['search', 'subtract']);
    expect(search.code).toBe(0);
    expect(search.stdout).toMatch(
      /^ *\d+\.\d\d {2}[0-9a-f-]+ {2}accepted {3}convention {2}Add with \+\n$/,
    );

    const retire = await run(['retire', id]);
    expect(retire.stdout).toMatch(/^Retired [0-9a-f-]+ {2}retired {4}convention {2}Add with \+\n$/);
    const hidden = await run(['search', 'subtract']);
    expect(hidden.stdout).toBe('');
    expect(hidden.stderr).toContain('No memory records match "subtract".');
    const all = await run(['search', 'subtract', '--status', 'all', '--json']);
    expect(JSON.parse(all.stdout)).toMatchObject({ record: { id, status: 'retired' } });

    const accept = await run(['accept', id, '--json']);
    expect(JSON.parse(accept.stdout)).toMatchObject({
      id,
      status: 'accepted',
      title: 'Add with +',
    });
  });

  it('refuses bad input with a clear message, exit code 2, and changes nothing', async () => {
    expect((await run(['add', '--kind', 'fact', '--title', 'Kept', '--body', 'Kept.'])).code).toBe(
      0,
    );
    const [kept] = await records();
    const before = (await run(['export'])).stdout;
    const cases: [string[], string][] = [
      [['add', '--kind', 'fact', '--title', 'T', '--body', '   '], 'the body is empty'],
      [
        ['add', '--kind', 'fact', '--title', 'T', '--body', 'x'.repeat(8_001)],
        'the body is 8,001 characters, over the limit of 8,000',
      ],
      [
        ['add', '--kind', 'bug', '--title', 'T', '--body', 'b'],
        'unknown kind "bug" (use one of: decision, convention, fix, fact, todo)',
      ],
      [
        ['add', '--kind', 'fact', '--title', 'T', '--body', 'b', '--link', 'session:01970000-dead'],
        'link to session "01970000-dead": there is no such session',
      ],
      [
        ['add', '--kind', 'fact', '--title', 'T', '--body', 'b', '--link', 'commit:deadbeef'],
        'link to commit "deadbeef": there is no such commit in the project',
      ],
      [
        ['add', '--kind', 'fact', '--title', 'T', '--body', 'b', '--link', 'task:42'],
        'link to task "42": there is no such task',
      ],
      [
        ['add', '--kind', 'fact', '--title', 'T', '--body', 'b', '--paths', '../outside.py'],
        `path "../outside.py" contains '..'`,
      ],
      [['add', '--title', 'T', '--body', 'b'], 'the kind is missing'],
      [['edit', kept?.id ?? '', '--body', ''], 'the body is empty'],
      [['edit', kept?.id ?? ''], 'Nothing to change'],
      [['show', 'ffffffff'], 'no memory record in'],
      [['list', '--status', 'done'], 'Unknown status "done"'],
    ];
    for (const [args, message] of cases) {
      const result = await run(args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toContain(message);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    // An import is validated as a whole: one bad record and nothing is imported.
    const file = join(workspace.root, 'import.md');
    writeFileSync(
      file,
      '## Good\n- kind: fact\n\n```markdown\nfine\n```\n\n## Bad\n- kind: fact\n\n```markdown\n\n```\n',
    );
    const partly = await run(['add', '--file', file]);
    expect(partly.code).toBe(2);
    expect(partly.stderr).toContain('record 2 ("Bad"): the body is empty');
    writeFileSync(file, '## T\n- colour: red\n');
    const broken = await run(['add', '--file', file]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`${file}: line 2: unknown field "colour"`);
    expect(broken.stderr).toContain('Nothing was imported.');
    expect((await run(['export'])).stdout).toBe(before);
  });

  it('round-trips an export through memory add --file into a fresh store', async () => {
    const sha = head();
    for (const args of [
      [
        '--kind',
        'decision',
        '--title',
        'SQLite for the store',
        '--body',
        'One file.\n\n## Why\n\n```sh\nsqlite3\n```',
      ],
      ['--kind', 'todo', '--title', 'Port calc to Rust', '--body', 'Later.', '--tags', 'later'],
      [
        '--kind',
        'fix',
        '--title',
        'Add adds',
        '--body',
        'a + b',
        '--paths',
        'calc.py,test_calc.py',
        '--link',
        `commit:${sha}`,
      ],
    ]) {
      expect((await run(['add', ...args])).code).toBe(0);
    }
    const [, todo] = await records();
    await run(['retire', todo?.id ?? '']);
    const output = join(workspace.root, 'memory.md');
    const exported = await run(['export', '--output', output]);
    expect(exported.stdout).toBe(`Exported 3 records to ${output}.\n`);
    expect(readFileSync(output, 'utf8')).toContain('## SQLite for the store');

    const freshHome = join(workspace.root, '..', 'fresh-home');
    const imported = await run(['add', '--file', output], { home: freshHome });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^Imported 3 records from .*memory\.md:\n/);

    const comparable = (list: MemoryRecord[]) =>
      list
        .map(({ title, body, kind, tags, paths, links, status }) => ({
          title,
          body,
          kind,
          tags,
          paths,
          links,
          status,
        }))
        .sort((a, b) => a.title.localeCompare(b.title));
    const original = await records();
    const copies = await records(freshHome);
    expect(comparable(copies)).toEqual(comparable(original));
    expect(
      comparable(copies)
        .map((record) => record.status)
        .sort(),
    ).toEqual(['accepted', 'accepted', 'retired']);
    // New records: new ids, and the importer's own provenance.
    const originalIds = new Set(original.map((record) => record.id));
    for (const copy of copies) expect(originalIds.has(copy.id)).toBe(false);
    expect(new Set(copies.map((copy) => copy.provenance.device)).size).toBe(1);
    expect(copies[0]?.provenance.device).not.toBe(original[0]?.provenance.device);
  });

  it('two homes edit the same field: show lists the conflict, pick settles it on both', async () => {
    const homeB = `${workspace.home}-b`;
    const file = (name: string) => join(workspace.root, '..', name);
    const succeed = async (home: string, args: string[], input?: string) => {
      const result = await run(args, { home, ...(input === undefined ? {} : { input }) });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      return result.stdout;
    };
    const exchange = async (from: string, to: string, name: string) => {
      const sync = (home: string, args: string[]) =>
        runCli(['sync', ...args], { cwd: workspace.root, env: { OUTPOST_HOME: home } });
      expect((await sync(from, ['export', file(name)])).code).toBe(0);
      expect((await sync(to, ['import', file(name)])).code).toBe(0);
    };
    const added = JSON.parse(
      await succeed(workspace.home, [
        'add',
        '--kind',
        'convention',
        '--title',
        'Use pnpm',
        '--body',
        'The lock file is pnpm-lock.yaml.',
        '--json',
      ]),
    ) as MemoryRecord;
    const id = added.id;
    await exchange(workspace.home, homeB, 'a-1.ops');

    // Offline, both retitle it; B's edit is the later one.
    await succeed(workspace.home, ['edit', id, '--title', 'Use pnpm 9']);
    await succeed(homeB, ['edit', id, '--title', 'Use pnpm, never npm']);
    await exchange(homeB, workspace.home, 'b-1.ops');
    await exchange(workspace.home, homeB, 'a-2.ops');

    for (const home of [workspace.home, homeB]) {
      const list = await succeed(home, ['list']);
      expect(list).toMatch(/accepted {3}convention {2}Use pnpm, never npm {2}\[conflicted\]\n/);
      const show = await succeed(home, ['show', id.slice(0, 18)]);
      expect(show).toMatch(/conflicted: title \(keep one: outpost memory pick \S+ title N\)/);
      expect(show).toMatch(/ 1 {2}"Use pnpm, never npm" {2}\(current\) {2}device \S+ {2}\d{4}-/);
      expect(show).toMatch(/ 2 {2}"Use pnpm 9" +device \S+ {2}\d{4}-/);
      const json = JSON.parse(await succeed(home, ['show', id, '--json'])) as MemoryRecord & {
        conflicts: FieldConflict[];
      };
      expect(json.conflicted).toBe(true);
      expect(json.conflicts).toEqual([
        {
          field: 'title',
          alternatives: [
            expect.objectContaining({ choice: 1, value: 'Use pnpm, never npm', current: true }),
            expect.objectContaining({ choice: 2, value: 'Use pnpm 9', current: false }),
          ],
        },
      ]);
    }

    const bad = await run(['pick', id, 'title', '3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('its title has 2 values; choose one of 1-2, not 3');
    const picked = await succeed(workspace.home, ['pick', id.slice(0, 18), 'title', '2']);
    expect(picked).toMatch(/^Kept value 2 of title: \S+ +accepted {3}convention {2}Use pnpm 9\n$/);
    await exchange(workspace.home, homeB, 'a-3.ops');
    await exchange(homeB, workspace.home, 'b-2.ops');

    const showA = await succeed(workspace.home, ['show', id, '--json']);
    expect(await succeed(homeB, ['show', id, '--json'])).toBe(showA);
    expect(JSON.parse(showA)).toMatchObject({
      title: 'Use pnpm 9',
      conflicted: false,
      conflicts: [],
    });
    expect(await succeed(homeB, ['list'])).not.toContain('[conflicted]');
    // Nothing is lost: the other title is in the field history of both.
    for (const home of [workspace.home, homeB]) {
      const key = loadOrCreateStoreKey(home, {});
      const store = openStore({ path: storePath(home), keyHex: key.keyHex });
      try {
        const lost = store
          .readMaterializedState()
          .field_history.filter((row) => row.kind === 'memory' && row.field === 'title')
          .map((row) => JSON.parse(row.value as string) as string);
        expect(lost.sort()).toEqual(['Use pnpm', 'Use pnpm 9', 'Use pnpm, never npm']);
      } finally {
        store.close();
      }
    }
  });

  it('deletes a record (hidden, kept) and restores it', async () => {
    const added = JSON.parse(
      (await run(['add', '--kind', 'fact', '--title', 'Gone soon', '--body', 'B', '--json']))
        .stdout,
    ) as MemoryRecord;
    const deleted = await run(['delete', added.id.slice(0, 18)]);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toMatch(/^Deleted \S+ +accepted {3}fact {8}Gone soon {2}\[deleted\]\n$/);
    expect(await records()).toEqual([]);
    expect((await run(['search', 'gone'])).stdout).toBe('');
    const edit = await run(['edit', added.id, '--title', 'x']);
    expect(edit.code).toBe(2);
    expect(edit.stderr).toMatch(/no memory record/);
    const show = await run(['show', added.id]);
    expect(show.stdout).toContain('deleted   yes (outpost memory restore brings it back)');
    const restored = await run(['restore', added.id.slice(0, 18), '--json']);
    expect(JSON.parse(restored.stdout)).toMatchObject({ id: added.id, deleted: false });
    expect((await records()).map((record) => record.id)).toEqual([added.id]);
  });
});
