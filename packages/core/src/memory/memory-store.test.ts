import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryError } from '../errors/memory-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import {
  createFakeClock,
  createTemporaryDirectory,
  expectWellFormedLog,
  TEST_KEY,
  type FakeClock,
  type TemporaryDirectory,
} from '../store/__fixtures__/store-fixtures.js';
import { openStore, type Store } from '../store/store.js';
import type { MemoryDraft, MemoryStore } from './memory-types.js';

const projectRoot = '/home/dev/parser';
const knownCommit = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

const draft: MemoryDraft = {
  title: 'Run the parser tests with --runInBand',
  body: 'The fixtures share one temporary directory, so parallel runs collide.',
  kind: 'fix',
  tags: ['tests', 'parser'],
  paths: ['src/parser', 'tests/parser.test.ts'],
  status: 'accepted',
};

describe('memory store', () => {
  let directory: TemporaryDirectory;
  let clock: FakeClock;
  let store: Store;
  let memory: MemoryStore;
  let checkedCommits: string[];

  beforeEach(() => {
    directory = createTemporaryDirectory();
    clock = createFakeClock(Date.UTC(2025, 5, 1, 12));
    store = openStore({
      path: join(directory.path, 'outpost.db'),
      keyHex: TEST_KEY,
      now: clock.now,
    });
    checkedCommits = [];
    memory = store.memory({
      projectRoot,
      commitExists: (sha) => {
        checkedCommits.push(sha);
        return knownCommit.startsWith(sha.toLowerCase());
      },
    });
  });

  afterEach(() => {
    store.close();
    directory.remove();
  });

  /** Everything a refused write must leave exactly as it was. */
  const snapshot = () => ({ ops: store.ops(), state: store.readMaterializedState() });

  it('adds a record as one op per field, with complete provenance', () => {
    const session = store.sessions.create({
      title: 'parser work',
      projectRoot,
      provider: 'ollama',
      model: 'qwen3-coder',
    });
    const record = memory.add({
      ...draft,
      status: 'proposed',
      links: [
        { type: 'commit', id: knownCommit.slice(0, 7).toUpperCase() },
        { type: 'session', id: session.id.slice(0, 13) },
      ],
      session: session.id,
      model: 'ollama/qwen3-coder',
    });
    const time = clock.now();
    expect(record).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      title: draft.title,
      body: draft.body,
      kind: 'fix',
      tags: ['tests', 'parser'],
      paths: ['src/parser', 'tests/parser.test.ts'],
      links: [
        { type: 'commit', id: knownCommit.slice(0, 7) },
        { type: 'session', id: session.id },
      ],
      status: 'proposed',
      provenance: {
        user: store.userSpace.slice('user:'.length),
        device: store.deviceId,
        session: session.id,
        model: 'ollama/qwen3-coder',
        createdAt: time,
      },
      updatedAt: time,
      conflicted: false,
      deleted: false,
    });
    expect(memory.get(record.id)).toEqual(record);
    const ops = store.ops().filter((op) => op.kind === 'memory');
    expect(ops.map((op) => op.field)).toEqual([
      'project',
      'provenance',
      'title',
      'body',
      'kind',
      'tags',
      'paths',
      'links',
      'status',
      'updatedAt',
    ]);
    expect(new Set(ops.map((op) => op.record))).toEqual(new Set([record.id]));
    expect(new Set(ops.map((op) => op.space))).toEqual(new Set([store.userSpace]));
    expectWellFormedLog(store.ops());
  });

  it('normalises what it stores: trimmed text, clean paths, no duplicates', () => {
    const record = memory.add({
      ...draft,
      title: '  Use pnpm  ',
      body: '\n\n  indented first line\r\nsecond line  \n\n',
      tags: ['build', ' build ', 'ci'],
      paths: ['./src//parser/', 'src/parser', 'docs\\guide.md'],
    });
    expect(record.title).toBe('Use pnpm');
    expect(record.body).toBe('  indented first line\nsecond line');
    expect(record.tags).toEqual(['build', 'ci']);
    expect(record.paths).toEqual(['src/parser', 'docs/guide.md']);
  });

  const refusals: [string, Record<string, unknown>, RegExp][] = [
    ['an empty body', { body: '  \n\t\n' }, /the body is empty/],
    [
      'an oversized body',
      { body: 'x'.repeat(8_001) },
      /the body is 8,001 characters, over the limit of 8,000/,
    ],
    [
      'an unknown kind',
      { kind: 'bug' },
      /unknown kind "bug" \(use one of: decision, convention, fix, fact, todo\)/,
    ],
    ['a missing kind', { kind: undefined }, /the kind is missing/],
    ['an empty title', { title: '   ' }, /the title is empty/],
    ['a two-line title', { title: 'one\ntwo' }, /the title must be a single line/],
    [
      'a long title',
      { title: 't'.repeat(201) },
      /the title is 201 characters, over the limit of 200/,
    ],
    ['a tag with a space', { tags: ['two words'] }, /tag "two words" contains a space/],
    ['an absolute path', { paths: ['/etc/passwd'] }, /path "\/etc\/passwd" is absolute/],
    [
      'a path leaving the project',
      { paths: ['src/../../x'] },
      /path "src\/..\/..\/x" contains '..'/,
    ],
    ['the project root as a path', { paths: ['./'] }, /is the whole project/],
    [
      'a link to a session that does not exist',
      { links: [{ type: 'session', id: '01970000-0000-7000-8000-000000000000' }] },
      /link to session "01970000-0000-7000-8000-000000000000": there is no such session/,
    ],
    [
      'a link to a commit that does not exist',
      { links: [{ type: 'commit', id: 'deadbeef' }] },
      /link to commit "deadbeef": there is no such commit in the project/,
    ],
    [
      'a commit link that is no hash',
      { links: [{ type: 'commit', id: 'HEAD~1' }] },
      /not a commit hash/,
    ],
    [
      'a link to a task that does not exist',
      { links: [{ type: 'task', id: 't-100' }] },
      /link to task "t-100": there is no such task/,
    ],
    ['an unknown link type', { links: [{ type: 'issue', id: '12' }] }, /unknown link type "issue"/],
    ['an unknown field', { priority: 'high' }, /unknown field "priority"/],
    ['an unknown status', { status: 'done' }, /unknown status "done"/],
    [
      'a provenance session that does not exist',
      { session: 'nope' },
      /the session "nope" that wrote it does not exist/,
    ],
  ];

  it.each(refusals)('refuses %s with a clear message and writes nothing', (_, change, message) => {
    memory.add(draft);
    const before = snapshot();
    let caught: unknown;
    try {
      memory.add({ ...draft, ...change });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MemoryError);
    expect((caught as MemoryError).message).toMatch(/^memory record refused: /);
    expect((caught as MemoryError).message).toMatch(message);
    expect(snapshot()).toEqual(before);
  });

  it('lists every problem at once, and refuses commit links when it cannot check them', () => {
    const unchecked = store.memory({ projectRoot });
    const before = snapshot();
    expect(() =>
      unchecked.add({
        ...draft,
        body: '',
        kind: 'bug' as never,
        links: [{ type: 'commit', id: knownCommit }],
      }),
    ).toThrow(
      /the body is empty \(say what to remember\); unknown kind "bug" .*; link to commit "a1b2.*": commits cannot be checked here/,
    );
    expect(() => unchecked.add({ ...draft, links: [{ type: 'commit', id: knownCommit }] })).toThrow(
      /commits cannot be checked here/,
    );
    expect(snapshot()).toEqual(before);
  });

  it('adds several records all or nothing, naming the record of each problem', () => {
    const before = snapshot();
    expect(() =>
      memory.addAll([
        draft,
        { ...draft, title: 'Second', body: '' },
        { ...draft, kind: 'x' as never },
      ]),
    ).toThrow(
      'memory record refused: record 2 ("Second"): the body is empty (say what to remember); ' +
        'record 3 ("Run the parser tests with --runInBand"): unknown kind "x" (use one of: ' +
        'decision, convention, fix, fact, todo)',
    );
    expect(snapshot()).toEqual(before);
    const records = memory.addAll([draft, { ...draft, title: 'Second', status: 'retired' }]);
    expect(records.map((record) => [record.title, record.status])).toEqual([
      [draft.title, 'accepted'],
      ['Second', 'retired'],
    ]);
    expect(memory.list()).toHaveLength(2);
  });

  it('updates only the fields that change, and keeps the old values in field_history', () => {
    const record = memory.add(draft);
    clock.advance(1_000);
    const before = store.ops().length;
    const updated = memory.update(record.id, { title: 'New title', body: draft.body });
    expect(updated).toEqual({ ...record, title: 'New title', updatedAt: clock.now() });
    expect(
      store
        .ops()
        .slice(before)
        .map((op) => op.field),
    ).toEqual(['title', 'updatedAt']);
    const history = store.readMaterializedState().field_history;
    expect(history.filter((row) => row['kind'] === 'memory').map((row) => row['value'])).toEqual(
      expect.arrayContaining([JSON.stringify(draft.title)]),
    );
    // Unchanged values write nothing; an empty change is refused.
    const count = store.ops().length;
    expect(memory.update(record.id, { kind: 'fix' })).toEqual(updated);
    expect(() => memory.update(record.id, {})).toThrow(/nothing to change/);
    expect(() => memory.update(record.id, { body: '' })).toThrow(/the body is empty/);
    expect(() => memory.update(record.id, { links: [{ type: 'task', id: '0000' }] })).toThrow(
      /link to task "0000": there is no such task/,
    );
    expect(store.ops()).toHaveLength(count);
  });

  it('accepts and retires records', () => {
    const record = memory.add({ ...draft, status: 'proposed' });
    clock.advance(5);
    expect(memory.setStatus(record.id, 'accepted')).toMatchObject({
      status: 'accepted',
      updatedAt: clock.now(),
    });
    expect(memory.setStatus(record.id, 'retired').status).toBe('retired');
    const count = store.ops().length;
    expect(memory.setStatus(record.id, 'retired').status).toBe('retired');
    expect(() => memory.setStatus(record.id, 'done' as never)).toThrow(/unknown status "done"/);
    expect(store.ops()).toHaveLength(count);
    expect(() => memory.setStatus('01970000-0000-7000-8000-000000000000', 'accepted')).toThrow(
      NotFoundError,
    );
  });

  it('lists newest change first, filtered by status and kind', () => {
    const first = memory.add(draft);
    clock.advance(10);
    const second = memory.add({ ...draft, title: 'Prefer named exports', kind: 'convention' });
    clock.advance(10);
    memory.update(first.id, { body: 'changed' });
    expect(memory.list().map((record) => record.id)).toEqual([first.id, second.id]);
    expect(memory.list({ kinds: ['convention'] }).map((record) => record.id)).toEqual([second.id]);
    memory.setStatus(second.id, 'retired');
    expect(memory.list({ statuses: ['accepted'] }).map((record) => record.id)).toEqual([first.id]);
  });

  it('keeps each project to its own records', () => {
    const record = memory.add(draft);
    const other = store.memory({ projectRoot: '/home/dev/other' });
    expect(other.list()).toEqual([]);
    expect(other.get(record.id)).toBeUndefined();
    expect(other.recall('parser tests')).toEqual([]);
    expect(() => other.update(record.id, { title: 'x' })).toThrow(NotFoundError);
    expect(() => store.memory({ projectRoot: 'relative/path' })).toThrow(/must be absolute/);
  });

  it('resolves an id from a unique prefix, and lists the candidates of an ambiguous one', () => {
    const ids = ['01970000-aaaa-7000-8000-000000000001', '01970000-aaab-7000-8000-000000000002'];
    const scripted = openStore({
      path: join(directory.path, 'ids.db'),
      keyHex: TEST_KEY,
      generateId: () => ids.shift() ?? 'unexpected',
    });
    try {
      const records = scripted.memory({ projectRoot }).addAll([draft, { ...draft, title: 'Two' }]);
      const scoped = scripted.memory({ projectRoot });
      expect(scoped.resolveId('01970000-aaab')).toBe(records[1]?.id);
      expect(scoped.resolveId(` ${records[0]?.id ?? ''} `)).toBe(records[0]?.id);
      expect(() => scoped.resolveId('0197')).toThrow(
        /'0197' matches 2 memory records; give more characters of the id:\n {2}01970000-aaaa-.*\n {2}01970000-aaab-/,
      );
      expect(() => scoped.resolveId('019')).toThrow(/at least 4 characters/);
      expect(() => scoped.resolveId('ffff')).toThrow(NotFoundError);
      expect(() =>
        scripted.memory({ projectRoot: '/elsewhere' }).resolveId('01970000-aaab'),
      ).toThrow(NotFoundError);
    } finally {
      scripted.close();
    }
  });

  it('recalls accepted records only by default', () => {
    const accepted = memory.add(draft);
    const proposed = memory.add({ ...draft, title: 'Parser tests are slow', status: 'proposed' });
    const retired = memory.add({ ...draft, title: 'Parser tests need a flag' });
    memory.setStatus(retired.id, 'retired');
    expect(memory.recall('parser tests').map((hit) => hit.record.id)).toEqual([accepted.id]);
    expect(
      memory
        .recall('parser tests', { statuses: ['accepted', 'proposed'] })
        .map((hit) => hit.record.id)
        .sort(),
    ).toEqual([accepted.id, proposed.id].sort());
    expect(() => memory.recall('parser', { limit: 0 })).toThrow(RangeError);
  });

  it('survives a reopen and a rebuild unchanged', () => {
    const record = memory.add(draft);
    memory.update(record.id, { tags: ['tests'] });
    memory.setStatus(record.id, 'retired');
    const built = store.readMaterializedState();
    expect(built.memory).toHaveLength(1);
    store.rebuild();
    expect(store.readMaterializedState()).toEqual(built);
    const expected = memory.get(record.id);
    expect(expected?.status).toBe('retired');
    store.close();
    store = openStore({ path: store.path, keyHex: TEST_KEY, now: clock.now });
    expect(store.memory({ projectRoot }).get(record.id)).toEqual(expected);
  });
});
