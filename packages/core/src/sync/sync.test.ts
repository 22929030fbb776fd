import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClockSkewError } from '../store/clock-skew-error.js';
import { openDatabase, writeTransaction } from '../store/database.js';
import { createHybridLogicalClock } from '../store/hybrid-logical-clock.js';
import { appendOps } from '../store/op-log.js';
import {
  createTemporaryDirectory,
  sampleEvents,
  TEST_KEY,
  type TemporaryDirectory,
} from '../store/__fixtures__/store-fixtures.js';
import type { Store } from '../store/store.js';
import {
  exchange,
  expectRebuildEqualsLive,
  openTestStore,
  PROJECT,
  rewriteHeader,
  rewriteOps,
  type TestStore,
} from './__fixtures__/sync-fixtures.js';
import { formatSyncCursor, parseSyncCursor } from './sync-cursor.js';
import { parseSyncFile, SYNC_FILE_FORMAT } from './sync-file.js';
import { SyncFileError } from './sync-file-error.js';

let directory: TemporaryDirectory;
let a: TestStore;
let b: TestStore;
beforeEach(() => {
  directory = createTemporaryDirectory();
  a = openTestStore(directory, 'a');
  b = openTestStore(directory, 'b');
});
afterEach(() => {
  a.store.close();
  b.store.close();
  directory.remove();
});

const memoryOf = (store: Store) => store.memory({ projectRoot: PROJECT });

function addRecord(store: Store, title = 'Use pnpm') {
  return memoryOf(store).add({
    kind: 'convention',
    title,
    body: 'The lock file is pnpm-lock.yaml.',
    status: 'accepted',
    tags: ['build'],
  });
}

/** A shares a record and a session with B; both edit them offline, then exchange both ways. */
function concurrentEdits() {
  const record = addRecord(a.store);
  const session = a.store.sessions.create({
    title: 'Port to ESM',
    projectRoot: PROJECT,
    provider: 'ollama',
    model: 'qwen',
  });
  a.store.sessions.appendEvent(session.id, { type: 'user-message', text: 'port it' });
  exchange(a.store, b.store);

  a.clock.advance(1000);
  b.clock.advance(2000);
  memoryOf(a.store).update(record.id, { title: 'Use pnpm 9' });
  memoryOf(b.store).update(record.id, { title: 'Use pnpm, never npm', tags: ['build', 'ci'] });
  a.store.sessions.update(session.id, { title: 'ESM port (A)' });
  b.store.sessions.update(session.id, { title: 'ESM port (B)' });
  for (const data of sampleEvents.slice(1, 4)) a.store.sessions.appendEvent(session.id, data);
  for (const data of sampleEvents.slice(4)) b.store.sessions.appendEvent(session.id, data);
  return { record, session };
}

/** Runs `work`, which must throw `errorType`, and checks the store did not change at all. */
function expectRefused(
  store: Store,
  work: () => unknown,
  errorType: abstract new (...args: never[]) => Error,
  message: RegExp,
) {
  const ops = store.ops();
  const state = store.readMaterializedState();
  expect(work).toThrow(errorType);
  expect(work).toThrow(message);
  expect(store.ops()).toEqual(ops);
  expect(store.readMaterializedState()).toEqual(state);
  expectRebuildEqualsLive(store);
}

describe('sync export', () => {
  it('writes a header and the ops in (hlc, device, seq) order, checksummed', () => {
    addRecord(a.store);
    const file = a.store.sync.export();
    const [headerLine = '', ...lines] = file.text.split('\n');
    expect(JSON.parse(headerLine)).toEqual(file.header);
    expect(file.header).toMatchObject({
      format: SYNC_FILE_FORMAT,
      version: 2,
      device: a.store.deviceId,
      since: null,
      cursor: { [a.store.deviceId]: 10 },
      opCount: 10,
    });
    expect(lines.at(-1)).toBe('');
    expect(file.kinds).toEqual({ memory: 10 });
    const parsed = parseSyncFile(file.text);
    expect(parsed.ops).toEqual(a.store.ops());
  });

  it('never exports ops of a device: space', () => {
    addRecord(a.store);
    const db = openDatabase({ path: a.path, keyHex: TEST_KEY });
    try {
      writeTransaction(db, () =>
        appendOps(db, createHybridLogicalClock({ now: a.clock.now }), [
          {
            space: `device:${a.store.deviceId}`,
            kind: 'memory',
            record: 'gpu',
            field: 'title',
            value: 'local only',
          },
        ]),
      );
    } finally {
      db.close();
    }
    expect(a.store.ops()).toHaveLength(11);
    const file = a.store.sync.export();
    expect(file.header.opCount).toBe(10);
    expect(file.text).not.toContain('device:');
    expect(file.header.cursor).toEqual({ [a.store.deviceId]: 11 });
    const summary = b.store.sync.import(file.text);
    expect(summary.added).toBe(10);
    expect(b.store.ops().some((op) => op.space.startsWith('device:'))).toBe(false);
  });

  it('--since a cursor leaves out what its holder has', () => {
    addRecord(a.store);
    const first = b.store.sync.import(a.store.sync.export().text);
    expect(first.cursor).toEqual({ [a.store.deviceId]: 10 });
    const record = addRecord(a.store, 'Second');
    memoryOf(a.store).update(record.id, { title: 'Second, edited' });

    const file = a.store.sync.export({ since: first.cursor });
    expect(file.header.since).toEqual(first.cursor);
    expect(file.header.opCount).toBe(12);
    expect(parseSyncFile(file.text).ops.every((op) => op.seq > 10)).toBe(true);
    const summary = b.store.sync.import(file.text);
    expect(summary).toMatchObject({ received: 12, added: 12, alreadyPresent: 0 });
    expect(b.store.readMaterializedState()).toEqual(a.store.readMaterializedState());

    // The export's own cursor works as the next --since: nothing new, nothing to send.
    const again = a.store.sync.export({ since: file.header.cursor });
    expect(again.header.opCount).toBe(0);
    expect(b.store.sync.import(again.text)).toMatchObject({ received: 0, added: 0 });
  });

  it('prints and reads cursors', () => {
    expect(formatSyncCursor({})).toBe('empty');
    expect(parseSyncCursor('empty')).toEqual({});
    const cursor = { 'b-device': 3, 'a-device': 12 };
    expect(formatSyncCursor(cursor)).toBe('a-device=12,b-device=3');
    expect(parseSyncCursor(formatSyncCursor(cursor))).toEqual(cursor);
    expect(() => parseSyncCursor('a-device=12,oops')).toThrow(
      /"oops" is not part of a sync cursor/,
    );
    expect(() => parseSyncCursor('a=1,a=2')).toThrow(/names device a twice/);
    expect(() => parseSyncCursor('__proto__=1')).toThrow(SyncFileError);
  });
});

describe('sync import', () => {
  it('two stores that edited the same record and session offline converge both ways', () => {
    const { record, session } = concurrentEdits();
    const toA = exchange(b.store, a.store);
    const toB = exchange(a.store, b.store);

    expect(a.store.readMaterializedState()).toEqual(b.store.readMaterializedState());
    expect(memoryOf(a.store).get(record.id)?.title).toBe('Use pnpm, never npm');
    expect(a.store.sessions.get(session.id)?.title).toBe('ESM port (B)');
    expect(a.store.sessions.events(session.id)).toHaveLength(sampleEvents.length);
    for (const store of [a.store, b.store]) {
      const history = store.readMaterializedState().field_history;
      const lostTitles = history
        .filter((row) => row.field === 'title')
        .map((row) => JSON.parse(row.value as string) as string);
      expect(lostTitles).toContain('Use pnpm 9');
      expect(lostTitles).toContain('ESM port (A)');
      expectRebuildEqualsLive(store);
    }

    // B's title, tags and updatedAt; its session title and five updatedAt bumps; its four events.
    expect(toA.applied).toEqual({ memory: 3, session: 6, 'session-event': 4 });
    expect(toA.conflicts).toEqual(
      expect.arrayContaining([
        {
          kind: 'memory',
          record: record.id,
          field: 'title',
          result: 'won',
          rule: 'last-writer-wins',
        },
        {
          kind: 'session',
          record: session.id,
          field: 'title',
          result: 'won',
          rule: 'last-writer-wins',
        },
      ]),
    );
    expect(toB.conflicts).toEqual(
      expect.arrayContaining([
        {
          kind: 'memory',
          record: record.id,
          field: 'title',
          result: 'lost',
          rule: 'last-writer-wins',
        },
        {
          kind: 'session',
          record: session.id,
          field: 'title',
          result: 'lost',
          rule: 'last-writer-wins',
        },
      ]),
    );
    expect(toB.superseded).toBeGreaterThan(0);
    // B's tags edit met no concurrent value: an ordinary update, not a conflict.
    expect(toA.conflicts.some((conflict) => conflict.field === 'tags')).toBe(false);
    expect(toA.cursor).toEqual(toB.cursor);
  });

  it('importing a file twice changes nothing the second time', () => {
    concurrentEdits();
    const file = b.store.sync.export().text;
    a.store.sync.import(file);
    const ops = a.store.ops();
    const state = a.store.readMaterializedState();
    const again = a.store.sync.import(file);
    expect(again).toMatchObject({
      added: 0,
      superseded: 0,
      ignored: 0,
      conflicts: [],
      applied: {},
    });
    expect(again.alreadyPresent).toBe(again.received);
    expect(a.store.ops()).toEqual(ops);
    expect(a.store.readMaterializedState()).toEqual(state);
    // A store's own export comes back as nothing new.
    expect(a.store.sync.import(a.store.sync.export().text).added).toBe(0);
    expectRebuildEqualsLive(a.store);
  });

  it('the order two files are imported in does not matter', () => {
    concurrentEdits();
    const c = openTestStore(directory, 'c');
    const d = openTestStore(directory, 'd');
    try {
      const fromA = a.store.sync.export().text;
      const fromB = b.store.sync.export().text;
      c.store.sync.import(fromA);
      c.store.sync.import(fromB);
      d.store.sync.import(fromB);
      d.store.sync.import(fromA);
      expect(c.store.readMaterializedState()).toEqual(d.store.readMaterializedState());
      expect(c.store.ops()).toEqual(d.store.ops());
      exchange(b.store, a.store);
      expect(c.store.readMaterializedState()).toEqual(a.store.readMaterializedState());
      for (const store of [c.store, d.store]) expectRebuildEqualsLive(store);
    } finally {
      c.store.close();
      d.store.close();
    }
  });

  it('advances the clock past every imported timestamp', () => {
    b.clock.advance(60_000);
    addRecord(b.store);
    exchange(b.store, a.store);
    const record = addRecord(a.store, 'After the import');
    const newest = b.store.ops().at(-1)?.hlc ?? '';
    const own = a.store.ops().filter((op) => op.record === record.id);
    expect(own.every((op) => op.hlc > newest)).toBe(true);
  });
});

describe('sync import refuses a bad file and changes nothing', () => {
  let file: string;
  beforeEach(() => {
    concurrentEdits();
    exchange(b.store, a.store);
    exchange(a.store, b.store);
    a.clock.advance(1000);
    addRecord(b.store, 'Only on B');
    file = b.store.sync.export().text;
  });

  const refused = (text: string, message: RegExp) =>
    expectRefused(a.store, () => a.store.sync.import(text), SyncFileError, message);

  it('a changed op (checksum)', () => {
    refused(file.replace('Only on B', 'Only on C'), /checksum of the ops does not match/);
  });

  it('a truncated file', () => {
    refused(file.slice(0, Math.floor(file.length / 2)), /checksum|cut short/);
    refused(file.slice(0, 40), /no complete header line/);
    refused(file.slice(0, -1), /checksum/);
  });

  it('not a sync file, an empty one, or a newer format', () => {
    refused('', /the file is empty/);
    refused('# Memory\n\n## Use pnpm\n', /header \(line 1\) is not valid JSON/);
    refused('{"format":"something-else"}\n', /not an Outpost sync file header/);
    refused(
      rewriteHeader(file, (header) => ({ ...header, version: 3 })),
      /format version 3.*upgrade Outpost/,
    );
    refused(
      rewriteHeader(file, (header) => ({ ...header, opCount: 3 })),
      /announces 3 ops/,
    );
  });

  it('a malformed op, even with a matching checksum', () => {
    const mutate = (change: (op: Record<string, unknown>) => Record<string, unknown>) =>
      rewriteOps(file, (lines) =>
        lines.map((line, index) =>
          index === 2 ? JSON.stringify(change(JSON.parse(line) as Record<string, unknown>)) : line,
        ),
      );
    refused(
      mutate((op) => ({ ...op, hlc: 'yesterday' })),
      /line 4 is malformed: hlc/,
    );
    refused(
      mutate((op) => ({ ...op, seq: 0 })),
      /line 4 is malformed: seq/,
    );
    refused(
      mutate((op) => ({ ...op, device: '../etc' })),
      /line 4 is malformed: device/,
    );
    refused(
      mutate((op) => ({ ...op, extra: true })),
      /line 4 is malformed/,
    );
    refused(
      mutate(({ value: _value, ...op }) => op),
      /line 4 is malformed: value/,
    );
    refused(
      mutate((op) => ({ ...op, space: 'device:x' })),
      /never leaves its device/,
    );
    refused(
      mutate((op) => ({ ...op, seq: 999 })),
      /beyond the header's cursor/,
    );
    refused(
      rewriteOps(file, (lines) => [...lines].reverse()),
      /not in \(hlc, device, seq\) order/,
    );
    refused(
      rewriteOps(file, (lines) => [...lines, lines.at(-1) ?? '']),
      /twice|order/,
    );
    refused(
      rewriteOps(file, (lines) => [...lines.slice(0, 2), 'not json', ...lines.slice(3)]),
      /line 4 is not valid JSON/,
    );
  });

  it('an op claiming this device with other content, or one this device never wrote', () => {
    const ownDevice = a.store.deviceId;
    const forged = rewriteOps(file, (lines) =>
      lines.map((line) => {
        const op = JSON.parse(line) as Record<string, unknown>;
        return op.device === ownDevice && op.field === 'title'
          ? JSON.stringify({ ...op, value: 'forged' })
          : line;
      }),
    );
    refused(forged, /differs from the op with that id in this store, which this device wrote/);
    const unseen = rewriteOps(
      rewriteHeader(file, (header) => ({
        ...header,
        cursor: { ...(header.cursor as object), [ownDevice]: 500 },
      })),
      (lines) => {
        const last = JSON.parse(lines.at(-1) ?? '') as Record<string, unknown>;
        return [
          ...lines,
          JSON.stringify({
            ...last,
            device: ownDevice,
            seq: 500,
            hlc: `${String(last.hlc).slice(0, 12)}-ffff`,
          }),
        ];
      },
    );
    refused(unseen, /op 500 of this device .* which this store never wrote/);
  });

  it('an op of another device that differs from the copy here', () => {
    const otherDevice = b.store.deviceId;
    const forged = rewriteOps(file, (lines) =>
      lines.map((line) => {
        const op = JSON.parse(line) as Record<string, unknown>;
        return op.device === otherDevice && op.seq === 1
          ? JSON.stringify({ ...op, value: 'forged' })
          : line;
      }),
    );
    refused(forged, /differs from the op with that id in this store: the file was changed/);
  });

  it('a timestamp beyond the maximum clock skew', () => {
    const fast = openTestStore(directory, 'fast', { start: a.clock.now() + 10 * 60_000 });
    try {
      addRecord(fast.store, 'From the future');
      const future = fast.store.sync.export().text;
      expectRefused(
        a.store,
        () => a.store.sync.import(future),
        ClockSkewError,
        /ahead of this device's clock.*at most 300 s allowed/,
      );
      // A store allowed more skew takes it.
      const lenient = openTestStore(directory, 'lenient', {
        start: a.clock.now(),
        maxClockSkewMs: 20 * 60_000,
      });
      try {
        expect(lenient.store.sync.import(future).added).toBe(10);
        expectRebuildEqualsLive(lenient.store);
      } finally {
        lenient.store.close();
      }
    } finally {
      fast.store.close();
    }
  });

  it('the good file still imports afterwards', () => {
    const summary = a.store.sync.import(file);
    expect(summary.added).toBe(10);
    expect(a.store.readMaterializedState()).toEqual(b.store.readMaterializedState());
  });
});
