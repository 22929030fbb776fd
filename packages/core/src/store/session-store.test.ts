import { join } from 'node:path';
import type { SessionEventData } from '@outpost/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors/not-found-error.js';
import { StoreError } from '../errors/store-error.js';
import {
  createFakeClock,
  createTemporaryDirectory,
  expectWellFormedLog,
  sampleEvents,
  TEST_KEY,
  type FakeClock,
  type TemporaryDirectory,
} from './__fixtures__/store-fixtures.js';
import { AmbiguousIdError } from './ambiguous-id-error.js';
import { openStore, type Store } from './store.js';

const fields = {
  title: 'Fix the parser',
  projectRoot: '/home/dev/parser',
  provider: 'ollama',
  model: 'qwen3-coder:30b',
};

describe('session store', () => {
  let directory: TemporaryDirectory;
  let clock: FakeClock;
  let store: Store;
  let ids: string[];

  beforeEach(() => {
    directory = createTemporaryDirectory();
    clock = createFakeClock(Date.UTC(2025, 5, 1, 12));
    ids = [];
    let next = 0;
    store = openStore({
      path: join(directory.path, 'outpost.db'),
      keyHex: TEST_KEY,
      now: clock.now,
      // Ids the tests can predict; `ids` lists what was handed out.
      generateId: () => {
        const id = ids[next] ?? `0000000${next}-generated`;
        next += 1;
        return id;
      },
    });
  });

  afterEach(() => {
    store.close();
    directory.remove();
  });

  /** Everything a failed write must leave exactly as it was. */
  const snapshot = () => ({ ops: store.ops(), state: store.readMaterializedState() });

  it('creates a running session with one op per field', () => {
    ids.push('01970000-aaaa-7000-8000-000000000001');
    const session = store.sessions.create(fields);
    const time = clock.now();
    expect(session).toEqual({
      id: '01970000-aaaa-7000-8000-000000000001',
      ...fields,
      status: 'running',
      createdAt: time,
      updatedAt: time,
    });
    expect(store.sessions.get(session.id)).toEqual(session);
    const ops = store.ops();
    expect(ops.map((op) => [op.kind, op.record, op.field, op.value])).toEqual([
      ['session', session.id, 'title', fields.title],
      ['session', session.id, 'projectRoot', fields.projectRoot],
      ['session', session.id, 'provider', fields.provider],
      ['session', session.id, 'model', fields.model],
      ['session', session.id, 'status', 'running'],
      ['session', session.id, 'createdAt', time],
      ['session', session.id, 'updatedAt', time],
    ]);
    expect(new Set(ops.map((op) => op.space))).toEqual(new Set([store.userSpace]));
    expect(store.userSpace).toMatch(/^user:[0-9a-f-]{36}$/);
    expectWellFormedLog(ops);
  });

  it('updates only the given fields and bumps updatedAt', () => {
    const session = store.sessions.create(fields);
    const opsBefore = store.ops().length;
    clock.advance(5_000);
    const updated = store.sessions.update(session.id, { status: 'completed' });
    expect(updated).toEqual({
      ...session,
      status: 'completed',
      updatedAt: session.createdAt + 5_000,
    });
    expect(
      store
        .ops()
        .slice(opsBefore)
        .map((op) => [op.field, op.value]),
    ).toEqual([
      ['status', 'completed'],
      ['updatedAt', session.createdAt + 5_000],
    ]);
    // An explicit updatedAt is written as given.
    expect(store.sessions.update(session.id, { title: 'Renamed', updatedAt: 42 })).toMatchObject({
      title: 'Renamed',
      updatedAt: 42,
    });
    expect(store.ops().length).toBe(opsBefore + 4);
  });

  it('rejects an update of an unknown session or with invalid fields, writing nothing', () => {
    const session = store.sessions.create(fields);
    const before = snapshot();
    expect(() => store.sessions.update('no-such-session', { title: 'x' })).toThrow(NotFoundError);
    expect(() =>
      store.sessions.update(session.id, { status: 'paused' as unknown as 'running' }),
    ).toThrow(StoreError);
    expect(() =>
      store.sessions.update(session.id, { id: 'other' } as unknown as { title: string }),
    ).toThrow(/invalid session fields/);
    expect(() => store.sessions.create({ ...fields, title: 7 as unknown as string })).toThrow(
      /invalid session fields/,
    );
    expect(snapshot()).toEqual(before);
  });

  it('appends events of every type and reads them back in order', () => {
    const session = store.sessions.create(fields);
    const appended = sampleEvents.map((data) => {
      clock.advance(10);
      return store.sessions.appendEvent(session.id, data);
    });
    expect(appended.map((event) => event.data)).toEqual(sampleEvents);
    expect(store.sessions.events(session.id)).toEqual(appended);
    for (const event of appended) {
      expect(event).toMatchObject({ sessionId: session.id, device: store.deviceId });
    }
    expect(appended.at(-1)?.time).toBe(clock.now());
    // Each event is one session-event op plus one updatedAt op, in one transaction.
    const eventOps = store.ops().filter((op) => op.kind === 'session-event');
    expect(eventOps).toHaveLength(sampleEvents.length);
    expect(eventOps[0]).toMatchObject({
      record: appended[0]?.id,
      field: '$event',
      value: { sessionId: session.id, time: appended[0]?.time, data: sampleEvents[0] },
    });
    expect(store.sessions.get(session.id)?.updatedAt).toBe(clock.now());
    expect(store.ops()).toHaveLength(7 + 2 * sampleEvents.length);
    expectWellFormedLog(store.ops());
  });

  it('writes nothing for invalid event data', () => {
    const session = store.sessions.create(fields);
    store.sessions.appendEvent(session.id, { type: 'user-message', text: 'hello' });
    const before = snapshot();
    const invalid: unknown[] = [
      { type: 'user-message' },
      { type: 'user-message', text: 42 },
      { type: 'no-such-event', text: 'hi' },
      { type: 'tool-result', step: -1, toolCallId: 'c', toolName: 't', ok: true, output: '' },
      null,
    ];
    for (const data of invalid) {
      expect(() => store.sessions.appendEvent(session.id, data as SessionEventData)).toThrow(
        /^invalid session event: /,
      );
    }
    expect(() =>
      store.sessions.appendEvent('no-such-session', { type: 'user-message', text: 'hi' }),
    ).toThrow(new NotFoundError("no session 'no-such-session'"));
    expect(snapshot()).toEqual(before);
  });

  it('appends several events in one transaction, or none of them', () => {
    const session = store.sessions.create(fields);
    const stored = store.sessions.appendEvents(session.id, [
      { type: 'user-message', text: 'one' },
      { type: 'user-message', text: 'two' },
    ]);
    expect(stored.map((event) => event.data)).toEqual([
      { type: 'user-message', text: 'one' },
      { type: 'user-message', text: 'two' },
    ]);
    const before = snapshot();
    expect(() =>
      store.sessions.appendEvents(session.id, [
        { type: 'user-message', text: 'three' },
        { type: 'user-message' } as unknown as SessionEventData,
      ]),
    ).toThrow(/^invalid session event: /);
    expect(snapshot()).toEqual(before);
    expect(store.sessions.events(session.id).map((event) => event.data)).toHaveLength(2);
  });

  it('lists sessions most recently updated first, with a summary', () => {
    const first = store.sessions.create({ ...fields, title: 'first' });
    clock.advance(1_000);
    const second = store.sessions.create({ ...fields, title: 'second', projectRoot: '/other' });
    clock.advance(1_000);
    store.sessions.appendEvent(first.id, { type: 'model-call', ...modelCall });
    store.sessions.appendEvent(first.id, { type: 'user-message', text: 'first question' });
    store.sessions.appendEvent(first.id, { type: 'user-message', text: 'second question' });
    clock.advance(1_000);
    const third = store.sessions.create({ ...fields, title: 'third' });

    const listed = store.sessions.list();
    expect(listed.map((session) => session.title)).toEqual(['third', 'first', 'second']);
    expect(listed[1]).toEqual({
      ...store.sessions.get(first.id),
      firstUserMessage: 'first question',
      eventCount: 3,
    });
    expect(listed[0]).toMatchObject({ id: third.id, firstUserMessage: undefined, eventCount: 0 });
    expect(store.sessions.list({ limit: 2 }).map((session) => session.title)).toEqual([
      'third',
      'first',
    ]);
    expect(store.sessions.list({ projectRoot: '/other' }).map((session) => session.id)).toEqual([
      second.id,
    ]);
    expect(store.sessions.list({ limit: 0 })).toEqual([]);
    expect(() => store.sessions.list({ limit: 1.5 })).toThrow(RangeError);
  });

  it('resolves full ids and unique prefixes', () => {
    ids.push(
      '0197aaaa-0000-7000-8000-000000000001',
      '0197aaab-0000-7000-8000-000000000002',
      '0197bbbb-0000-7000-8000-000000000003',
    );
    const [a, b, c] = [0, 1, 2].map((index) =>
      store.sessions.create({ ...fields, title: `session ${index}` }),
    );
    if (a === undefined || b === undefined || c === undefined) throw new Error('unreachable');
    expect(store.sessions.resolveId(a.id)).toBe(a.id);
    expect(store.sessions.resolveId('0197b')).toBe(c.id);
    expect(store.sessions.resolveId('0197aaab')).toBe(b.id);
    expect(store.sessions.resolveId(' 0197bbbb ')).toBe(c.id);

    let ambiguity: unknown;
    try {
      store.sessions.resolveId('0197aaa');
    } catch (error) {
      ambiguity = error;
    }
    expect(AmbiguousIdError.isInstance(ambiguity)).toBe(true);
    expect((ambiguity as AmbiguousIdError).candidates).toEqual([
      { id: a.id, title: 'session 0' },
      { id: b.id, title: 'session 1' },
    ]);
    expect((ambiguity as AmbiguousIdError).message).toBe(
      "'0197aaa' matches 2 sessions; give more characters of the id:\n" +
        `  ${a.id}  session 0\n  ${b.id}  session 1`,
    );

    expect(() => store.sessions.resolveId('abcd')).toThrow(
      new NotFoundError("no session matches 'abcd'"),
    );
    expect(() => store.sessions.resolveId('019')).toThrow(/at least 4 characters/);
    // LIKE wildcards are matched literally.
    expect(() => store.sessions.resolveId('0197%')).toThrow(NotFoundError);
    expect(() => store.sessions.resolveId('____')).toThrow(NotFoundError);
  });

  it('returns nothing for a session it does not have', () => {
    expect(store.sessions.get('missing')).toBeUndefined();
    expect(store.sessions.events('missing')).toEqual([]);
  });
});

const modelCall = {
  step: 0,
  provider: 'ollama',
  model: 'qwen3-coder',
  inputTokens: null,
  outputTokens: null,
  timeToFirstTokenMs: null,
  durationMs: 10,
  finishReason: 'stop',
};
