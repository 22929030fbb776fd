import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../errors/store-error.js';
import {
  createFakeClock,
  createTemporaryDirectory,
  expectWellFormedLog,
  sampleEvents,
  TEST_KEY,
  type TemporaryDirectory,
} from './__fixtures__/store-fixtures.js';
import { openDatabase, writeTransaction, type SqliteDatabase } from './database.js';
import { compareHlc, createHybridLogicalClock, parseHlc } from './hybrid-logical-clock.js';
import { applyOp } from './materialize.js';
import { MetaKey, readMeta } from './meta.js';
import { appendOps, insertOp } from './op-log.js';
import { openStore, type Store } from './store.js';
import type { StoredOp } from './stored-op.js';

const fields = { title: 'Refactor', projectRoot: '/repo', provider: 'ollama', model: 'm' };

describe('op log', () => {
  let directory: TemporaryDirectory;
  let path: string;
  const open: Store[] = [];
  const openDatabases: SqliteDatabase[] = [];

  beforeEach(() => {
    directory = createTemporaryDirectory();
    path = join(directory.path, 'outpost.db');
  });
  afterEach(() => {
    for (const store of open.splice(0)) store.close();
    for (const db of openDatabases.splice(0)) db.close();
    directory.remove();
  });

  const openAt = (now: () => number) => {
    const store = openStore({ path, keyHex: TEST_KEY, now });
    open.push(store);
    return store;
  };
  const rawDatabase = () => {
    const db = openDatabase({ path, keyHex: TEST_KEY });
    openDatabases.push(db);
    return db;
  };

  it('gives every op this device, a gap-free seq and a strictly increasing timestamp', () => {
    const clock = createFakeClock();
    const store = openAt(clock.now);
    const session = store.sessions.create(fields);
    for (const data of sampleEvents) store.sessions.appendEvent(session.id, data);
    store.sessions.update(session.id, { status: 'completed' });
    const ops = store.ops();
    expect(ops).toHaveLength(7 + 2 * sampleEvents.length + 2);
    expect(new Set(ops.map((op) => op.device))).toEqual(new Set([store.deviceId]));
    // The clock never moved, so the counter carries the order.
    expect(ops.every((op) => parseHlc(op.hlc).wallMs === clock.now())).toBe(true);
    expectWellFormedLog(ops);
  });

  it('continues seq and the clock after a reopen, even when the wall clock went backwards', () => {
    const clock = createFakeClock(Date.UTC(2025, 0, 1, 12));
    const first = openAt(clock.now);
    const session = first.sessions.create(fields);
    first.sessions.appendEvent(session.id, { type: 'user-message', text: 'before' });
    const deviceId = first.deviceId;
    const lastBefore = first.ops().at(-1);
    first.close();
    // The clock state is persisted with the ops it stamped.
    expect(readMeta(rawDatabase(), MetaKey.hybridLogicalClock)).toBe(lastBefore?.hlc);

    clock.set(Date.UTC(2025, 0, 1, 11)); // an hour earlier: NTP correction, or a wrong RTC
    const second = openAt(clock.now);
    expect(second.deviceId).toBe(deviceId);
    second.sessions.appendEvent(session.id, { type: 'user-message', text: 'after' });
    const newOps = second.ops().filter((op) => op.seq > (lastBefore?.seq ?? 0));
    expect(newOps.map((op) => op.seq)).toEqual([10, 11]);
    for (const op of newOps) expect(compareHlc(op.hlc, lastBefore?.hlc ?? '')).toBeGreaterThan(0);
    expectWellFormedLog(second.ops());
    // Display order follows the clock, not the wall time.
    expect(second.sessions.events(session.id).map((event) => event.data)).toEqual([
      { type: 'user-message', text: 'before' },
      { type: 'user-message', text: 'after' },
    ]);
  });

  it('keeps seq gap-free and timestamps increasing when two processes share the file', () => {
    const ahead = createFakeClock(Date.UTC(2025, 0, 1, 12));
    const behind = createFakeClock(Date.UTC(2025, 0, 1, 9)); // this terminal's clock is 3 h slow
    const a = openAt(ahead.now);
    const b = openAt(behind.now);
    expect(b.deviceId).toBe(a.deviceId);

    const session = a.sessions.create(fields);
    for (let round = 0; round < 20; round++) {
      const writer = round % 3 === 0 ? a : b;
      writer.sessions.appendEvent(session.id, { type: 'user-message', text: `round ${round}` });
      if (round % 5 === 0) b.sessions.update(session.id, { title: `title ${round}` });
      ahead.advance(1);
      behind.advance(7);
    }
    const ops = a.ops();
    expect(b.ops()).toEqual(ops);
    expect(ops).toHaveLength(7 + 20 * 2 + 4 * 2);
    expectWellFormedLog(ops);
    // Both see every event, in the order they were written.
    expect(b.sessions.events(session.id).map((event) => event.data)).toEqual(
      Array.from({ length: 20 }, (_, round) => ({ type: 'user-message', text: `round ${round}` })),
    );
    expect(a.sessions.get(session.id)?.title).toBe('title 15');
  });

  it('changes nothing when an op is applied a second time', () => {
    const store = openAt(createFakeClock().now);
    const session = store.sessions.create(fields);
    store.sessions.update(session.id, { title: 'second title' });
    store.sessions.appendEvent(session.id, { type: 'user-message', text: 'hello' });
    const ops = store.ops();
    const before = store.readMaterializedState();
    // Lost: the first title, and updatedAt twice (overwritten by update, then by the event).
    expect(before.field_history).toHaveLength(3);

    const db = rawDatabase();
    writeTransaction(db, () => {
      for (const op of ops) expect(insertOp(db, op)).toBe('duplicate');
      // The materialiser alone is idempotent too.
      for (const op of ops) expect(applyOp(db, op)).toBe('duplicate');
    });
    expect(store.readMaterializedState()).toEqual(before);
    expect(store.ops()).toEqual(ops);
  });

  it('keeps ops of unknown kinds, fields and values in the log, and ignores them', () => {
    const store = openAt(createFakeClock().now);
    const session = store.sessions.create(fields);
    const before = store.readMaterializedState();
    const base = { device: 'newer-device', hlc: '0195f2a3b4c5-0000', space: store.userSpace };
    const foreign: StoredOp[] = [
      { ...base, seq: 1, kind: 'setting', record: 's1', field: 'theme', value: 'dark' },
      { ...base, seq: 2, kind: 'session', record: session.id, field: 'pinned', value: true },
      { ...base, seq: 3, kind: 'session', record: session.id, field: 'status', value: 'paused' },
      { ...base, seq: 4, kind: 'session-event', record: 'e1', field: '$event', value: {} },
      {
        ...base,
        seq: 5,
        kind: 'session-event',
        record: 'e2',
        field: '$event',
        value: { sessionId: session.id, time: 1, data: { type: 'screenshot', png: '…' } },
      },
    ];
    const db = rawDatabase();
    writeTransaction(db, () => {
      for (const op of foreign) expect(insertOp(db, op)).toBe('ignored');
    });
    expect(store.readMaterializedState()).toEqual(before);
    expect(store.ops().filter((op) => op.device === 'newer-device')).toEqual(foreign);
    store.rebuild();
    expect(store.readMaterializedState()).toEqual(before);
  });

  it('refuses to append outside a write transaction', () => {
    openAt(createFakeClock().now);
    const db = rawDatabase();
    const clock = createHybridLogicalClock({ now: () => 0 });
    expect(() => appendOps(db, clock, [])).toThrow(StoreError);
  });
});
