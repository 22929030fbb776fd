import { join } from 'node:path';
import { expect } from 'vitest';
import {
  createFakeClock,
  TEST_KEY,
  type FakeClock,
  type TemporaryDirectory,
} from '../../store/__fixtures__/store-fixtures.js';
import { openStore, type Store } from '../../store/store.js';
import { sha256 } from '../sync-file.js';

export const PROJECT = '/repo';

export interface TestStore {
  store: Store;
  clock: FakeClock;
  path: string;
}

/** A real store file in `directory`, with its own wall clock. */
export function openTestStore(
  directory: TemporaryDirectory,
  name: string,
  options: { start?: number; maxClockSkewMs?: number } = {},
): TestStore {
  const clock = createFakeClock(options.start);
  const path = join(directory.path, `${name}.db`);
  const store = openStore({
    path,
    keyHex: TEST_KEY,
    now: clock.now,
    ...(options.maxClockSkewMs === undefined ? {} : { maxClockSkewMs: options.maxClockSkewMs }),
  });
  return { store, clock, path };
}

/** Exports everything `from` may share and imports it into `to`. */
export function exchange(from: Store, to: Store) {
  return to.sync.import(from.sync.export().text);
}

/** The store's tables rebuilt from its op log equal the live ones; the log itself is unchanged. */
export function expectRebuildEqualsLive(store: Store): void {
  const live = store.readMaterializedState();
  const ops = store.ops();
  store.rebuild();
  expect(store.readMaterializedState()).toEqual(live);
  expect(store.ops()).toEqual(ops);
  expect(store.integrityCheck()).toBe('ok');
}

/** Changes the op lines of a sync file and writes a matching checksum (a forger's file). */
export function rewriteOps(text: string, change: (lines: string[]) => string[]): string {
  const [headerLine = '', ...rest] = text.split('\n');
  const lines = change(rest.slice(0, -1));
  const body = lines.map((line) => `${line}\n`).join('');
  const header = JSON.parse(headerLine) as Record<string, unknown>;
  const rewritten = { ...header, opCount: lines.length, sha256: sha256(body) };
  return `${JSON.stringify(rewritten)}\n${body}`;
}

/** Changes the header line only. */
export function rewriteHeader(
  text: string,
  change: (header: Record<string, unknown>) => Record<string, unknown>,
): string {
  const newline = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, newline)) as Record<string, unknown>;
  return `${JSON.stringify(change(header))}${text.slice(newline)}`;
}
