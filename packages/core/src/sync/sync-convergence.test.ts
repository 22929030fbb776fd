import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createTemporaryDirectory,
  type TemporaryDirectory,
} from '../store/__fixtures__/store-fixtures.js';
import {
  exchange,
  expectRebuildEqualsLive,
  openTestStore,
  PROJECT,
  type TestStore,
} from './__fixtures__/sync-fixtures.js';

// fast-check prints the seed and path of any failure; replay with fc.assert(…, { seed, path }) and
// keep the case as an example below.

let directory: TemporaryDirectory;
beforeEach(() => {
  directory = createTemporaryDirectory();
});
afterEach(() => directory.remove());

const Action = fc.oneof(
  fc.record({
    type: fc.constant('edit' as const),
    store: fc.integer({ min: 0, max: 2 }),
    record: fc.integer({ min: 0, max: 2 }),
    title: fc.constantFrom('Use pnpm', 'Use npm', 'Use yarn', 'Use bun'),
    tags: fc.option(fc.subarray(['build', 'ci', 'tooling']), { nil: undefined }),
    advance: fc.integer({ min: 0, max: 3000 }),
  }),
  fc.record({
    type: fc.constant('status' as const),
    store: fc.integer({ min: 0, max: 2 }),
    record: fc.integer({ min: 0, max: 2 }),
    status: fc.constantFrom('accepted' as const, 'retired' as const, 'proposed' as const),
    advance: fc.integer({ min: 0, max: 3000 }),
  }),
  fc.record({
    type: fc.constant('exchange' as const),
    from: fc.integer({ min: 0, max: 2 }),
    to: fc.integer({ min: 0, max: 2 }),
    incremental: fc.boolean(),
  }),
);

describe('sync files between three stores', () => {
  it('random memory edits exchanged in random order converge to identical tables', () => {
    let run = 0;
    fc.assert(
      fc.property(
        fc.array(Action, { maxLength: 25 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), {
          maxLength: 6,
        }),
        (actions, finalOrder) => {
          run += 1;
          const stores: TestStore[] = [0, 1, 2].map((index) =>
            openTestStore(directory, `run-${run}-${index}`, {
              start: Date.UTC(2026, 0, 1) + index,
            }),
          );
          try {
            const [first] = stores;
            if (first === undefined) throw new Error('unreachable');
            const ids = [0, 1, 2].map(
              (index) =>
                first.store.memory({ projectRoot: PROJECT }).add({
                  kind: 'fact',
                  title: `Record ${index}`,
                  body: 'A fact.',
                  status: 'accepted',
                }).id,
            );
            for (const other of stores.slice(1)) exchange(first.store, other.store);
            /** What each store last heard of each other store: the cursor for `--since`. */
            const heard = new Map<string, Record<string, number>>();

            for (const action of actions) {
              if (action.type === 'exchange') {
                const from = stores[action.from];
                const to = stores[action.to];
                if (from === undefined || to === undefined || from === to) continue;
                const key = `${action.from}>${action.to}`;
                const since = action.incremental ? heard.get(key) : undefined;
                const file = from.store.sync.export(since === undefined ? {} : { since });
                heard.set(key, to.store.sync.import(file.text).cursor);
                continue;
              }
              const target = stores[action.store];
              const id = ids[action.record];
              if (target === undefined || id === undefined) continue;
              target.clock.advance(action.advance);
              const memory = target.store.memory({ projectRoot: PROJECT });
              if (action.type === 'status') memory.setStatus(id, action.status);
              else {
                memory.update(id, {
                  title: action.title,
                  ...(action.tags === undefined ? {} : { tags: action.tags }),
                });
              }
            }

            // Then files go round in some order, and finally everyone hears from everyone.
            for (const [from, to] of finalOrder) {
              const source = stores[from];
              const target = stores[to];
              if (source !== undefined && target !== undefined)
                exchange(source.store, target.store);
            }
            for (let round = 0; round < 2; round++) {
              for (const source of stores) {
                for (const target of stores) {
                  if (source !== target) exchange(source.store, target.store);
                }
              }
            }

            const states = stores.map((each) => JSON.stringify(each.store.readMaterializedState()));
            expect(states[1]).toBe(states[0]);
            expect(states[2]).toBe(states[0]);
            const logs = stores.map((each) => JSON.stringify(each.store.ops()));
            expect(logs[1]).toBe(logs[0]);
            expect(logs[2]).toBe(logs[0]);
            for (const each of stores) expectRebuildEqualsLive(each.store);
          } finally {
            for (const each of stores) each.store.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
