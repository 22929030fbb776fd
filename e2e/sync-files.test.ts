import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateStoreKey, openStore, storePath } from '@outpost/core';
import type { MemoryRecord } from '@outpost/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { createWorkspace } from './support/project.js';
import type { E2eWorkspace } from './support/project.js';

// Sessions are covered by the unit tests (packages/core/src/sync/sync.test.ts): making one here
// would need a model run against the fake server, and the merge path is the same.

let workspace: E2eWorkspace;
let homeA: string;
let homeB: string;
beforeEach(() => {
  workspace = createWorkspace();
  homeA = workspace.home;
  homeB = `${workspace.home}-b`;
});
afterEach(() => workspace.cleanup());

const outpost = (home: string, args: string[]) =>
  runCli(args, { cwd: workspace.root, env: { OUTPOST_HOME: home } });

async function succeed(home: string, args: string[]): Promise<string> {
  const result = await outpost(home, args);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
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
    expect(intoA).toContain(`memory ${id} title: the imported value is kept`);

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
});
