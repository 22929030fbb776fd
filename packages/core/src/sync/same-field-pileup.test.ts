import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/store.js';
import type { StoredOp } from '../store/stored-op.js';
import {
  createTemporaryDirectory,
  TEST_KEY,
  type TemporaryDirectory,
} from '../store/__fixtures__/store-fixtures.js';
import {
  canonicalContent,
  expectStateMatchesReference,
  recordWrites,
  type WriterKnowledge,
} from './__fixtures__/replicas.js';
import { expectRebuildEqualsLive, openTestStore, PROJECT } from './__fixtures__/sync-fixtures.js';

// T16 of reference/sync-notes.md §5.3 (after CouchDB's 10/100/210-leaves test): 2, 10, 100 and 250
// devices, each having seen only the record's creation, write its `title` and `tags` at the same
// wall-clock millisecond (give or take two), so most timestamps tie and the device id decides.
// Every replica that receives all the ops, in whatever order and grouping, keeps the same winner
// and every losing value in field_history; the file of all 250 devices' ops stays small.

const DEVICE_COUNTS = [2, 10, 100, 250] as const;
const DEVICES = Math.max(...DEVICE_COUNTS);
const MIB = 1024 * 1024;
const START = Date.UTC(2026, 5, 1);

let directory: TemporaryDirectory;
/** The record each device count writes to. */
const records = new Map<number, string>();
/** The seed's file: the four records, as every device first received them. */
let seedFile: string;
/** Each device's own edits, exported as one file (its batch). */
const batches: string[] = [];
const deviceIds: string[] = [];
/** What each writer had seen when it wrote: the conflict flags the reference predicts. */
const knowledge: WriterKnowledge = new Map();

beforeAll(() => {
  directory = createTemporaryDirectory();
  const seed = openTestStore(directory, 'seed', { start: START });
  for (const count of DEVICE_COUNTS) {
    const record = recordWrites(knowledge, seed.store, () =>
      seed.store.memory({ projectRoot: PROJECT }).add({
        kind: 'convention',
        title: `Pile-up of ${count}`,
        body: 'Everyone edits this at once.',
        tags: ['seed'],
        status: 'accepted',
      }),
    );
    records.set(count, record.id);
  }
  const seedExport = seed.store.sync.export();
  seedFile = seedExport.text;
  seed.store.close();

  for (let index = 0; index < DEVICES; index++) {
    const device = openTestStore(directory, `device-${index}`, {
      start: START + 1000 + (index % 3),
    });
    try {
      device.store.sync.import(seedFile);
      const memory = device.store.memory({ projectRoot: PROJECT });
      for (const count of DEVICE_COUNTS) {
        if (index >= count) continue;
        recordWrites(knowledge, device.store, () =>
          memory.update(records.get(count) ?? '', {
            title: `Title from device ${index}`,
            tags: [`device-${index}`, index % 2 === 0 ? 'even' : 'odd'],
          }),
        );
      }
      batches.push(device.store.sync.export({ since: seedExport.header.cursor }).text);
      deviceIds.push(device.store.deviceId);
    } finally {
      device.store.close();
    }
  }
}, 120_000);
afterAll(() => directory.remove());

/** Delivery orders that differ in every way that could matter, with no randomness to replay. */
const orders: Record<string, <T>(items: readonly T[]) => T[]> = {
  forward: (items) => [...items],
  reversed: (items) => [...items].reverse(),
  interleaved: (items) => [
    ...items.filter((_, index) => index % 2 === 1),
    ...items.filter((_, index) => index % 2 === 0),
  ],
};

describe.each(DEVICE_COUNTS)('T16: %i devices write the same fields concurrently', (count) => {
  it(
    'every replica with all the ops keeps one winner, and every loser is in field_history',
    { timeout: 120_000 },
    () => {
      const record = records.get(count) ?? '';
      const files = batches.slice(0, count);
      for (const file of files) expect(file.length).toBeLessThan(MIB);
      const receivers = Object.entries(orders).map(([name, order]) => {
        const receiver = openTestStore(directory, `${count}-${name}`, { start: START + 2000 });
        receiver.store.sync.import(seedFile);
        for (const file of order(files)) receiver.store.sync.import(file);
        return receiver.store;
      });
      const [hub] = receivers;
      if (hub === undefined) throw new Error('unreachable');
      // One file with every device's ops, read whole by a new replica and by two of the writers.
      const everything = hub.sync.export().text;
      expect(everything.length).toBeLessThan(MIB);
      const fresh = openTestStore(directory, `${count}-fresh`, { start: START + 2000 }).store;
      const writers = [0, count - 1].map((index) =>
        openStore({
          path: `${directory.path}/device-${index}.db`,
          keyHex: TEST_KEY,
          now: () => START + 2000,
        }),
      );
      const replicas = [...receivers, fresh, ...writers];
      try {
        for (const replica of [fresh, ...writers]) replica.sync.import(everything);

        const content = canonicalContent(hub);
        for (const replica of replicas) expect(canonicalContent(replica)).toBe(content);
        const ops = hub.ops();
        const state = hub.readMaterializedState();
        // Every device wrote title and tags without seeing the others: both are conflicted.
        const reference = expectStateMatchesReference(state, ops, knowledge);
        for (const field of ['title', 'tags']) {
          expect(reference.conflicted.has(JSON.stringify(['memory', record, field]))).toBe(true);
        }

        const written = (field: string) =>
          ops.filter((op) => op.record === record && op.field === field);
        const winner = (field: string) =>
          [...reference.winners.values()].find(
            (op) => op.record === record && op.field === field,
          ) as StoredOp;
        for (const field of ['title', 'tags']) {
          // The seed's value and each device's: one winner, the rest in history.
          expect(written(field)).toHaveLength(count + 1);
          const lost = state.field_history.filter(
            (row) => row.record === record && row.field === field,
          );
          expect(lost).toHaveLength(count);
          expect(lost.map((row) => `${String(row.device)}/${String(row.seq)}`).sort()).toEqual(
            written(field)
              .filter((op) => op !== winner(field))
              .map((op) => `${op.device}/${op.seq}`)
              .sort(),
          );
        }
        // The winner is the greatest timestamp; on a tie, the greatest device id.
        const titleWinner = winner('title');
        expect(deviceIds.slice(0, count)).toContain(titleWinner.device);
        for (const replica of replicas) {
          const shown = replica.memory({ projectRoot: PROJECT }).get(record);
          expect(shown?.title).toBe(titleWinner.value);
          expect(shown?.tags).toEqual(winner('tags').value);
          expect(shown?.conflicted).toBe(true);
        }
        expectRebuildEqualsLive(hub);
      } finally {
        for (const replica of replicas) replica.close();
      }
    },
  );
});
