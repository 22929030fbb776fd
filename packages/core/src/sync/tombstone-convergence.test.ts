import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors/not-found-error.js';
import { openDatabase, writeTransaction } from '../store/database.js';
import { migrate } from '../store/migrations.js';
import { insertOp } from '../store/op-log.js';
import { recordKinds } from '../store/record-kinds.js';
import { readMaterializedState } from '../store/rebuild.js';
import { compareOps, type StoredOp } from '../store/stored-op.js';
import {
  createTemporaryDirectory,
  TEST_KEY,
  type TemporaryDirectory,
} from '../store/__fixtures__/store-fixtures.js';
import { compareTaskStatus, TaskStatusValue } from '../task/task-fields.js';
import {
  exchange,
  expectRebuildEqualsLive,
  openTestStore,
  PROJECT,
  type TestStore,
} from './__fixtures__/sync-fixtures.js';

// T10 of reference/sync-notes.md §5.3 (without GC, which is not built): three replicas delete,
// edit, restore and pick memory records and a task concurrently and exchange files in random
// order. After every step and at the end, which records are visible is exactly what the tombstone
// rule predicts from the replica's op set (nothing silently resurrects or vanishes), and which are
// conflicted is exactly what the writers had seen (recorded as the test runs, without looking at
// bases). At the end every replica holds the same tables, a rebuild and a shuffled replay give
// the same, and a pick of whatever is still conflicted clears it everywhere once exchanged.
// The seed is printed; OUTPOST_TEST_SEED=N replays a run.

const seed = Number(process.env.OUTPOST_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
const REPLICAS = 3;

let directory: TemporaryDirectory;
let files = 0;
beforeEach(() => {
  directory = createTemporaryDirectory();
});
afterEach(() => directory.remove());

const replica = fc.integer({ min: 0, max: REPLICAS - 1 });
const target = fc.integer({ min: 0, max: 2 });
const advance = fc.integer({ min: 0, max: 3_000 });
type Action =
  | { type: 'edit'; store: number; target: number; title: string; advance: number }
  | { type: 'delete' | 'restore'; store: number; target: number; advance: number }
  | { type: 'pick'; store: number; choice: number; advance: number }
  | { type: 'exchange'; from: number; to: number; incremental: boolean };
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('edit' as const),
      store: replica,
      target,
      title: fc.constantFrom('Alpha', 'Beta', 'Gamma', 'Delta'),
      advance,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constantFrom('delete' as const, 'restore' as const),
      store: replica,
      target,
      advance,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('pick' as const),
      store: replica,
      choice: fc.integer({ min: 1, max: 3 }),
      advance,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('exchange' as const),
      from: replica,
      to: replica,
      incremental: fc.boolean(),
    }),
  },
);

/** How many picks the runs made (printed, so a change that makes them rare shows). */
let picks = 0;

const key = (op: Pick<StoredOp, 'device' | 'seq'>) => `${op.device}/${op.seq}`;

/** What the tombstone rule says of one record, from the whole op set. */
function predictHidden(ops: readonly StoredOp[], kind: 'memory' | 'task', record: string): boolean {
  const spec = recordKinds[kind];
  const winners = new Map<string, StoredOp>();
  for (const op of ops) {
    if (op.kind !== kind || op.record !== record || !Object.hasOwn(spec.fields, op.field)) continue;
    const current = winners.get(op.field);
    const rank =
      current !== undefined && op.field === 'status' && kind === 'task'
        ? compareTaskStatus(TaskStatusValue.parse(op.value), TaskStatusValue.parse(current.value))
        : 0;
    if (current === undefined || rank > 0 || (rank === 0 && compareOps(op, current) > 0)) {
      winners.set(op.field, op);
    }
  }
  const tombstone = winners.get('$deleted');
  if (tombstone?.value !== true) return false;
  return [...winners.values()].every((op) => op === tombstone || compareOps(tombstone, op) > 0);
}

/**
 * Whether a field holds values written without seeing each other, from what each writer's store
 * held when it wrote: the winner and every op no later writer of the field had seen.
 */
function predictConflicted(
  ops: readonly StoredOp[],
  seen: ReadonlyMap<string, ReadonlySet<string>>,
  kind: string,
  record: string,
  field: string,
): boolean {
  const fieldOps = ops.filter(
    (op) => op.kind === kind && op.record === record && op.field === field,
  );
  const winner = [...fieldOps].sort(compareOps).at(-1);
  const open = fieldOps.filter(
    (op) => !fieldOps.some((other) => other !== op && seen.get(key(other))?.has(key(op))),
  );
  const values = new Set([winner, ...open].map((op) => JSON.stringify(op?.value)));
  return values.size > 1;
}

/** A fresh store file that receives `ops` one by one in the given order. */
function replayState(ops: readonly StoredOp[]): string {
  const db = openDatabase({
    path: `${directory.path}/replay-${(files += 1)}.db`,
    keyHex: TEST_KEY,
  });
  try {
    migrate(db, { now: () => 0 });
    writeTransaction(db, () => {
      for (const op of ops) insertOp(db, op);
    });
    return JSON.stringify(readMaterializedState(db));
  } finally {
    db.close();
  }
}

describe('T10: tombstones under concurrent deletes, edits and restores', () => {
  it('three replicas converge, and visibility and conflicts are what the op set predicts', () => {
    console.log(`T10 fast-check seed: ${seed} (replay with OUTPOST_TEST_SEED=${seed})`);
    fc.assert(
      fc.property(
        fc.array(action, { minLength: 10, maxLength: 40, size: 'max' }),
        fc.array(fc.tuple(replica, replica), { maxLength: 6 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 1 }),
        (actions, finalOrder, [shuffleKey = 0]) => {
          files += 1;
          const stores: TestStore[] = Array.from({ length: REPLICAS }, (_, index) =>
            openTestStore(directory, `t10-${files}-${index}`, {
              start: Date.UTC(2026, 0, 1) + index * 7,
            }),
          );
          /** For every op: the ops its writer's store held when it wrote it. */
          const seen = new Map<string, ReadonlySet<string>>();
          const recordWrites = (store: TestStore, write: () => unknown) => {
            const before = store.store.ops();
            const held = new Set(before.map(key));
            try {
              write();
            } catch (error) {
              // Editing or deleting a record this replica sees as deleted is refused: no op.
              if (!NotFoundError.isInstance(error)) throw error;
            }
            for (const op of store.store.ops()) if (!held.has(key(op))) seen.set(key(op), held);
          };
          try {
            const [first] = stores as [TestStore];
            const memory = first.store.memory({ projectRoot: PROJECT });
            const tasks = first.store.tasks({ projectRoot: PROJECT });
            const targets: { kind: 'memory' | 'task'; id: string }[] = [];
            recordWrites(first, () => {
              for (const title of ['One', 'Two']) {
                targets.push({
                  kind: 'memory',
                  id: memory.add({ kind: 'fact', title, body: 'B', status: 'accepted' }).id,
                });
              }
              targets.push({ kind: 'task', id: tasks.add({ title: 'Three' }).id });
            });
            for (const other of stores.slice(1)) exchange(first.store, other.store);
            /** Visibility and conflicts on `each` are what its own op set predicts. */
            const expectPredicted = (each: TestStore) => {
              const ops = each.store.ops();
              const memoryOf = each.store.memory({ projectRoot: PROJECT });
              const tasksOf = each.store.tasks({ projectRoot: PROJECT });
              const visible = new Set([
                ...memoryOf.list().map((record) => record.id),
                ...tasksOf.list({ all: true }).map((task) => task.id),
              ]);
              for (const aim of targets) {
                expect(visible.has(aim.id), `${aim.kind} ${aim.id} visible`).toBe(
                  !predictHidden(ops, aim.kind, aim.id),
                );
                const record = (aim.kind === 'memory' ? memoryOf : tasksOf).get(aim.id, {
                  includeDeleted: true,
                });
                expect(record?.conflicted, `${aim.kind} ${aim.id} conflicted`).toBe(
                  predictConflicted(ops, seen, aim.kind, aim.id, 'title'),
                );
              }
            };
            const heard = new Map<string, Record<string, number>>();

            for (const step of actions) {
              if (step.type === 'exchange') {
                const [from, to] = [stores[step.from], stores[step.to]];
                if (from === undefined || to === undefined || from === to) continue;
                const since = step.incremental ? heard.get(`${step.from}>${step.to}`) : undefined;
                const file = from.store.sync.export(since === undefined ? {} : { since });
                heard.set(`${step.from}>${step.to}`, to.store.sync.import(file.text).cursor);
                expectPredicted(to);
                continue;
              }
              const store = stores[step.store];
              if (store === undefined) continue;
              store.clock.advance(step.advance);
              const recordsOf = (kind: 'memory' | 'task') =>
                kind === 'memory'
                  ? store.store.memory({ projectRoot: PROJECT })
                  : store.store.tasks({ projectRoot: PROJECT });
              if (step.type === 'pick') {
                // Settles the first title this replica shows as conflicted, if any.
                const open = targets.find(
                  (each) => recordsOf(each.kind).get(each.id)?.conflicted === true,
                );
                if (open !== undefined) {
                  const records = recordsOf(open.kind);
                  const choices = records.conflicts(open.id)[0]?.alternatives.length ?? 1;
                  picks += 1;
                  recordWrites(store, () =>
                    records.pick(open.id, 'title', ((step.choice - 1) % choices) + 1),
                  );
                }
                expectPredicted(store);
                continue;
              }
              const aim = targets[step.target];
              if (aim === undefined) continue;
              const records = recordsOf(aim.kind);
              recordWrites(store, () => {
                if (step.type === 'edit') records.update(aim.id, { title: step.title });
                else if (step.type === 'delete') records.delete(aim.id);
                else records.restore(aim.id);
              });
              expectPredicted(store);
            }
            for (const [from, to] of finalOrder) {
              const [source, sink] = [stores[from], stores[to]];
              if (source !== undefined && sink !== undefined && source !== sink) {
                exchange(source.store, sink.store);
              }
            }
            for (let round = 0; round < 2; round++) {
              for (const source of stores) {
                for (const sink of stores) if (source !== sink) exchange(source.store, sink.store);
              }
            }

            const states = stores.map((each) => JSON.stringify(each.store.readMaterializedState()));
            for (const state of states) expect(state).toBe(states[0]);
            const ops = first.store.ops();
            for (const each of stores) expect(each.store.ops()).toEqual(ops);
            for (const each of stores) expectRebuildEqualsLive(each.store);
            const shuffled = [...ops].sort(
              (x, y) => hash(key(x), shuffleKey) - hash(key(y), shuffleKey),
            );
            expect(replayState(shuffled)).toBe(states[0]);

            for (const each of stores) expectPredicted(each);

            // Whatever is still conflicted, one replica picks a value for it; once that has
            // travelled, nothing is conflicted anywhere and every replica is identical again.
            const picker = stores[shuffleKey % REPLICAS] ?? first;
            for (const aim of targets) {
              const records =
                aim.kind === 'memory'
                  ? picker.store.memory({ projectRoot: PROJECT })
                  : picker.store.tasks({ projectRoot: PROJECT });
              const [conflict] = records.conflicts(aim.id);
              if (conflict === undefined) continue;
              picks += 1;
              if (records.get(aim.id) === undefined)
                recordWrites(picker, () => records.restore(aim.id));
              const choice = (shuffleKey % conflict.alternatives.length) + 1;
              recordWrites(picker, () => records.pick(aim.id, conflict.field, choice));
            }
            for (const source of stores) {
              for (const sink of stores) if (source !== sink) exchange(source.store, sink.store);
            }
            const settled = first.store.readMaterializedState();
            for (const each of stores) {
              expect(each.store.readMaterializedState()).toEqual(settled);
              expectPredicted(each);
            }
            expect(settled.memory.concat(settled.tasks).map((row) => row.conflicted)).not.toContain(
              1,
            );
          } finally {
            for (const each of stores) each.store.close();
          }
        },
      ),
      { seed, numRuns: 30 },
    );
    console.log(`T10: ${picks} picks of a conflicted title`);
  });
});

/** A deterministic shuffle key for `text` (FNV-1a, salted). */
function hash(text: string, salt: number): number {
  let value = (0x811c9dc5 ^ salt) >>> 0;
  for (const character of text)
    value = Math.imul(value ^ character.charCodeAt(0), 0x01000193) >>> 0;
  return value;
}
