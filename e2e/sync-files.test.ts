import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateStoreKey, openStore, storePath } from '@outpost/core';
import type { MemoryRecord } from '@outpost/core';
import { reply } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import type { CliResult } from './support/cli.js';
import { useCliFixture } from './support/fixture.js';
import { createWorkspace } from './support/project.js';
import type { E2eWorkspace } from './support/project.js';

let workspace: E2eWorkspace;
let homeA: string;
let homeB: string;

const outpost = (home: string, args: string[]) =>
  runCli(args, { cwd: workspace.root, env: { OUTPOST_HOME: home } });

function expectSuccess(result: CliResult): string {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

async function succeed(home: string, args: string[]): Promise<string> {
  return expectSuccess(await outpost(home, args));
}

const file = (name: string) => join(workspace.root, '..', name);

/** The titles that lost to a later write, read from the store's field history. */
function lostTitles(home: string): string[] {
  const key = loadOrCreateStoreKey(home, {});
  const store = openStore({ path: storePath(home), keyHex: key.keyHex });
  try {
    return store
      .readMaterializedState()
      .field_history.filter((row) => row.kind === 'memory' && row.field === 'title')
      .map((row) => JSON.parse(row.value as string) as string);
  } finally {
    store.close();
  }
}

describe('outpost sync export / import', () => {
  beforeEach(() => {
    workspace = createWorkspace();
    homeA = workspace.home;
    homeB = `${workspace.home}-b`;
  });
  afterEach(() => workspace.cleanup());

  it('two homes edit the same record offline, exchange files both ways and end identical', async () => {
    const added = JSON.parse(
      await succeed(homeA, [
        'memory',
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

    const exported = await succeed(homeA, ['sync', 'export', file('a-1.ops')]);
    expect(exported).toMatch(/^Wrote 10 ops \(10 memory\) to .*a-1\.ops\.\nCursor: \S+=10\n$/);
    const first = await succeed(homeB, ['sync', 'import', file('a-1.ops')]);
    expect(first).toMatch(
      /^Imported .*a-1\.ops from device \S+: 10 ops, 10 new, 0 already here\.\n/,
    );
    expect(first).toContain('Applied: 10 memory.');

    // Both edit the title offline; B's edit is the later one.
    await succeed(homeA, ['memory', 'edit', id, '--title', 'Use pnpm 9']);
    await succeed(homeB, ['memory', 'edit', id, '--title', 'Use pnpm, never npm']);

    await succeed(homeB, ['sync', 'export', file('b.ops')]);
    const intoA = await succeed(homeA, ['sync', 'import', file('b.ops')]);
    expect(intoA).toContain('12 ops, 2 new, 10 already here.');
    expect(intoA).toContain('Conflicts: 1');
    expect(intoA).toContain(`memory ${id} title: the imported value is kept (the later write)`);

    // A sends back only what B lacks, using the cursor B's import printed.
    const cursor = /Cursor: (\S+)/.exec(first)?.[1] ?? '';
    const since = await succeed(homeA, [
      'sync',
      'export',
      file('a-2.ops'),
      '--since',
      cursor,
      '--json',
    ]);
    expect(JSON.parse(since)).toMatchObject({ type: 'sync.exported', opCount: 4 });
    const intoB = JSON.parse(
      await succeed(homeB, ['sync', 'import', file('a-2.ops'), '--json']),
    ) as { added: number; conflicts: { field: string; result: string }[] };
    expect(intoB.added).toBe(2);
    expect(intoB.conflicts).toEqual([expect.objectContaining({ field: 'title', result: 'lost' })]);

    // Importing again changes nothing.
    expect(await succeed(homeB, ['sync', 'import', file('a-2.ops')])).toContain(
      '4 ops, 0 new, 4 already here.',
    );

    const showA = await succeed(homeA, ['memory', 'show', id, '--json']);
    const showB = await succeed(homeB, ['memory', 'show', id, '--json']);
    expect(showA).toBe(showB);
    expect((JSON.parse(showA) as MemoryRecord).title).toBe('Use pnpm, never npm');
    expect(lostTitles(homeA)).toEqual(['Use pnpm', 'Use pnpm 9']);
    expect(lostTitles(homeB).sort()).toEqual(['Use pnpm', 'Use pnpm 9']);
  });

  it('refuses a tampered or truncated file with exit code 2 and changes nothing', async () => {
    await succeed(homeA, ['memory', 'add', '--kind', 'fact', '--title', 'Real', '--body', 'B']);
    await succeed(homeA, ['sync', 'export', file('a.ops')]);
    const text = readFileSync(file('a.ops'), 'utf8');
    writeFileSync(file('tampered.ops'), text.replace('"Real"', '"Forged"'));
    writeFileSync(file('cut.ops'), text.slice(0, 100));

    for (const [name, reason] of [
      ['tampered.ops', 'checksum of the ops does not match'],
      ['cut.ops', 'no complete header line'],
    ] as const) {
      const result = await outpost(homeB, ['sync', 'import', file(name)]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        new RegExp(`^outpost: sync file refused, nothing was changed: the .*${reason}.*\\n$`),
      );
    }
    expect(await succeed(homeB, ['memory', 'list', '--json'])).toBe('');
    const missing = await outpost(homeB, ['sync', 'import', file('nowhere.ops')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^outpost: Cannot read .*nowhere\.ops/);
    const badCursor = await outpost(homeA, ['sync', 'export', file('x.ops'), '--since', 'nope']);
    expect(badCursor.code).toBe(2);
    expect(badCursor.stderr).toMatch(/^outpost: --since: "nope" is not part of a sync cursor/);
  });

  it('takes the clock-skew limit from the config file, lets --max-clock-skew override it, and refuses a bad value', async () => {
    // A file written by a store whose clock is 20 minutes ahead of this machine's.
    const ahead = join(workspace.root, '..', 'ahead');
    mkdirSync(ahead);
    const key = loadOrCreateStoreKey(ahead, {});
    const store = openStore({
      path: storePath(ahead),
      keyHex: key.keyHex,
      now: () => Date.now() + 20 * 60_000,
    });
    try {
      store.memory({ projectRoot: workspace.root }).add({
        kind: 'fact',
        title: 'Written 20 minutes from now',
        body: 'By a clock that runs fast.',
        status: 'accepted',
      });
      writeFileSync(file('ahead.ops'), store.sync.export().text);
    } finally {
      store.close();
    }
    const config = (text: string) => writeFileSync(join(homeA, 'config.json'), text);
    const refusedWith = async (args: string[], allowed: string) => {
      const result = await outpost(homeA, ['sync', 'import', file('ahead.ops'), ...args]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        new RegExp(
          `^outpost: sync file refused, nothing was changed: refused a timestamp \\d+ s ahead of this device's clock .*at most ${allowed} s allowed\\): check the date and time settings of both devices\\n$`,
        ),
      );
    };

    await refusedWith([], '300');
    config(JSON.stringify({ sync: { maxClockSkewSeconds: 600 } }));
    await refusedWith([], '600');
    await refusedWith(['--max-clock-skew', '60'], '60');
    config(JSON.stringify({ sync: { maxClockSkewSeconds: 3600 } }));
    await refusedWith(['--max-clock-skew', '300'], '300');
    expect(await succeed(homeA, ['memory', 'list', '--json'])).toBe('');

    for (const [value, problem] of [
      ['-5', 'must be 0 or more seconds'],
      ['"600"', 'must be a whole number of seconds, such as 600'],
    ]) {
      config(`{ "sync": { "maxClockSkewSeconds": ${value} } }`);
      const bad = await outpost(homeA, ['sync', 'import', file('ahead.ops')]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe(
        `outpost: The config file ${join(homeA, 'config.json')} is invalid: sync.maxClockSkewSeconds: ${problem}\n`,
      );
    }
    // A bad flag is refused before the config file is read.
    const badFlag = await outpost(homeA, [
      'sync',
      'import',
      file('ahead.ops'),
      '--max-clock-skew',
      'soon',
    ]);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toBe(
      'outpost: --max-clock-skew must be a whole number of seconds, not "soon".\n',
    );

    config(JSON.stringify({ sync: { maxClockSkewSeconds: 3600 } }));
    expect(await succeed(homeA, ['sync', 'import', file('ahead.ops')])).toContain(
      '10 ops, 10 new, 0 already here.',
    );
    const records = (await succeed(homeA, ['memory', 'list', '--json'])).trim().split('\n');
    expect(records.map((line) => (JSON.parse(line) as MemoryRecord).title)).toEqual([
      'Written 20 minutes from now',
    ]);
  });
});

describe('sessions made offline on two homes', () => {
  const cli = useCliFixture();

  it('two homes each run sessions offline, exchange files both ways, and list and show the same sessions', async () => {
    workspace = cli.workspace;
    homeA = cli.workspace.home;
    homeB = `${cli.workspace.home}-b`;
    const runIn = async (home: string, args: string[]) =>
      expectSuccess(await cli.run(args, { env: { OUTPOST_HOME: home } }));
    /** A model run: its summary line goes to stderr. */
    const converse = async (home: string, args: string[]) => {
      const result = await cli.run([...args.slice(0, -1), '--offline', ...args.slice(-1)], {
        env: { OUTPOST_HOME: home },
      });
      expect(result.stderr).toMatch(/✓ done · 1 step/);
      expect(result.code).toBe(0);
    };
    const sessionIds = async (home: string) =>
      (await runIn(home, ['sessions', 'list', '--json']))
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { id: string }).id);

    // Offline, each home answers its own question: no connection but to the local model server.
    cli.server.push(reply().text('add() is in calc.py; it subtracts, which is the bug.'));
    await converse(homeA, ['run', '--approval', 'read-only', 'where is add defined?']);
    cli.server.push(reply().text('Run python3 test_calc.py; it prints "1 passed" when green.'));
    await converse(homeB, ['run', '--approval', 'read-only', 'how do I run the tests?']);
    const [fromA] = await sessionIds(homeA);
    const [fromB] = await sessionIds(homeB);
    expect(fromA).not.toBe(fromB);

    // Both ways, each file whole; then B continues A's session and sends back only what A lacks.
    await runIn(homeA, ['sync', 'export', file('a.ops')]);
    const intoB = await runIn(homeB, ['sync', 'import', file('a.ops')]);
    await runIn(homeB, ['sync', 'export', file('b.ops')]);
    expect(await runIn(homeA, ['sync', 'import', file('b.ops')])).toMatch(/Applied: .*session/);
    cli.server.push(reply().text('It is the only definition of add().'));
    await converse(homeB, ['sessions', 'resume', fromA ?? '', 'is that the only one?']);
    const cursor = /Cursor: (\S+)/.exec(intoB)?.[1] ?? '';
    await runIn(homeB, ['sync', 'export', file('b-2.ops'), '--since', cursor]);
    await runIn(homeA, ['sync', 'import', file('b-2.ops')]);

    const list = await runIn(homeA, ['sessions', 'list']);
    expect(await runIn(homeB, ['sessions', 'list'])).toBe(list);
    expect(list.trim().split('\n')).toHaveLength(2);
    expect(await sessionIds(homeA)).toEqual(await sessionIds(homeB));
    for (const id of [fromA ?? '', fromB ?? '']) {
      for (const json of [[], ['--json']]) {
        const shown = await runIn(homeA, ['sessions', 'show', id, ...json]);
        expect(await runIn(homeB, ['sessions', 'show', id, ...json])).toBe(shown);
      }
    }
    const resumed = await runIn(homeA, ['sessions', 'show', fromA ?? '']);
    expect(resumed).toContain('where is add defined?');
    expect(resumed).toContain('is that the only one?');
    expect(resumed).toContain('It is the only definition of add().');
    expect(await runIn(homeB, ['sessions', 'show', fromB ?? ''])).toContain(
      'it prints "1 passed" when green.',
    );
  });
});
