import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createTemporaryDirectory,
  type TemporaryDirectory,
} from '../store/__fixtures__/store-fixtures.js';
import type { Store } from '../store/store.js';
import {
  exchange,
  expectRebuildEqualsLive,
  openTestStore,
  rewriteOps,
  type TestStore,
} from '../sync/__fixtures__/sync-fixtures.js';
import { SettingError } from './setting-error.js';
import { SETTING_VALUE_MAX_BYTES } from './setting-store.js';

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

const settingHistory = (store: Store) =>
  store
    .readMaterializedState()
    .field_history.filter((row) => row.kind === 'setting')
    .map((row) => ({ record: row.record, value: JSON.parse(row.value as string) as unknown }));

function refusal(action: () => unknown): SettingError {
  try {
    action();
  } catch (error) {
    if (SettingError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a SettingError');
}

describe('store.settings on one store', () => {
  it('sets, gets, lists and unsets values per scope', () => {
    const { settings } = a.store;
    expect(settings.get('editor.theme')).toBeUndefined();
    settings.set('editor.theme', 'dark');
    settings.set('model.gpu-layers', 20, { scope: 'device' });
    settings.set('model.gpu-layers', 8);
    settings.set('agent.patterns', { reflect: true, retries: [1, 2] });

    expect(settings.get('editor.theme')).toBe('dark');
    expect(settings.get('editor.theme', 'device')).toBeUndefined();
    expect(settings.get('model.gpu-layers')).toBe(20);
    expect(settings.get('model.gpu-layers', 'user')).toBe(8);
    expect(settings.list()).toEqual([
      { key: 'agent.patterns', scope: 'user', value: { reflect: true, retries: [1, 2] } },
      { key: 'editor.theme', scope: 'user', value: 'dark' },
      { key: 'model.gpu-layers', scope: 'device', value: 20 },
      { key: 'model.gpu-layers', scope: 'user', value: 8 },
    ]);

    settings.unset('model.gpu-layers', { scope: 'device' });
    expect(settings.get('model.gpu-layers')).toBe(8);
    settings.unset('editor.theme');
    expect(settings.get('editor.theme')).toBeUndefined();
    expect(settings.list().map((entry) => `${entry.scope}:${entry.key}`)).toEqual([
      'user:agent.patterns',
      'user:model.gpu-layers',
    ]);
    // Overwritten and unset values are kept.
    expect(settingHistory(a.store)).toEqual([
      { record: 'user:editor.theme', value: 'dark' },
      { record: 'device:model.gpu-layers', value: 20 },
    ]);
    expectRebuildEqualsLive(a.store);
  });

  it('refuses bad keys, scopes and values with every problem, writing nothing', () => {
    const { settings } = a.store;
    const ops = a.store.ops();
    expect(refusal(() => settings.set('Editor Theme', 'dark')).problems).toEqual([
      'key: a setting key is lowercase words joined by dots, like editor.theme',
    ]);
    expect(refusal(() => settings.set(`a.${'b'.repeat(100)}`, 1)).message).toContain(
      'at most 100 characters',
    );
    expect(refusal(() => settings.set('editor..theme', 1)).problems).toHaveLength(1);
    expect(
      refusal(() => settings.set('editor.theme', 'dark', { scope: 'team' as 'user' })).problems,
    ).toEqual([expect.stringMatching(/^scope: /)]);
    expect(refusal(() => settings.set('editor.theme', () => 'dark')).problems).toEqual([
      expect.stringMatching(/^value: a setting value must be JSON/),
    ]);
    expect(refusal(() => settings.set('editor.theme', null)).message).toContain('unset it');
    const large = 'x'.repeat(SETTING_VALUE_MAX_BYTES);
    expect(refusal(() => settings.set('editor.theme', large)).message).toContain(
      `at most ${SETTING_VALUE_MAX_BYTES} bytes`,
    );
    expect(refusal(() => settings.unset('Bad')).problems).toHaveLength(1);
    expect(refusal(() => settings.get('Bad')).problems).toHaveLength(1);
    expect(refusal(() => settings.get('editor.theme', 'team' as 'user')).problems).toEqual([
      expect.stringMatching(/^scope: /),
    ]);
    expect(a.store.ops()).toEqual(ops);
  });

  it('writes one setting op per change, in the user space or the device space', () => {
    a.store.settings.set('editor.theme', 'dark');
    a.store.settings.unset('model.path', { scope: 'device' });
    expect(
      a.store.ops().map(({ space, kind, record, field, value }) => ({
        space,
        kind,
        record,
        field,
        value,
      })),
    ).toEqual([
      {
        space: a.store.userSpace,
        kind: 'setting',
        record: 'user:editor.theme',
        field: 'value',
        value: 'dark',
      },
      {
        space: `device:${a.store.deviceId}`,
        kind: 'setting',
        record: 'device:model.path',
        field: 'value',
        value: null,
      },
    ]);
  });
});

describe('settings across stores', () => {
  it('concurrent sets of one key: both stores agree on the later writer, the loser is in history', () => {
    b.store.settings.set('editor.theme', 'light');
    a.clock.advance(1_000);
    a.store.settings.set('editor.theme', 'dark');

    const conflict = { kind: 'setting', record: 'user:editor.theme', field: 'value' };
    expect(exchange(a.store, b.store).conflicts).toEqual([
      { ...conflict, result: 'won', rule: 'last-writer-wins' },
    ]);
    expect(exchange(b.store, a.store).conflicts).toEqual([
      { ...conflict, result: 'lost', rule: 'last-writer-wins' },
    ]);

    for (const { store } of [a, b]) {
      expect(store.settings.get('editor.theme')).toBe('dark');
      expect(settingHistory(store)).toEqual([{ record: 'user:editor.theme', value: 'light' }]);
      expectRebuildEqualsLive(store);
    }
    expect(b.store.readMaterializedState()).toEqual(a.store.readMaterializedState());
  });

  it('an unset is a last-writer-wins write: it beats an earlier set, and a later set beats it', () => {
    a.store.settings.set('editor.theme', 'dark');
    b.clock.advance(1_000);
    // Concurrent with a's set, and later: the unset wins on both stores.
    b.store.settings.unset('editor.theme');
    exchange(a.store, b.store);
    exchange(b.store, a.store);
    for (const { store } of [a, b]) {
      expect(store.settings.get('editor.theme')).toBeUndefined();
      expect(store.settings.list()).toEqual([]);
      expect(settingHistory(store)).toEqual([{ record: 'user:editor.theme', value: 'dark' }]);
    }

    a.clock.advance(5_000);
    a.store.settings.set('editor.theme', 'solarized');
    exchange(a.store, b.store);
    for (const { store } of [a, b]) {
      expect(store.settings.get('editor.theme')).toBe('solarized');
      expectRebuildEqualsLive(store);
    }
    expect(b.store.readMaterializedState()).toEqual(a.store.readMaterializedState());
  });

  it('a device setting never leaves its device', () => {
    a.store.settings.set('model.path', '/models/secret.gguf', { scope: 'device' });
    a.store.settings.set('editor.theme', 'dark');
    const exported = a.store.sync.export();
    expect(exported.text).not.toContain('model.path');
    expect(exported.text).not.toContain('secret.gguf');
    expect(exported.kinds).toEqual({ setting: 1 });

    b.store.sync.import(exported.text);
    expect(b.store.settings.get('model.path')).toBeUndefined();
    expect(b.store.settings.list()).toEqual([
      { key: 'editor.theme', scope: 'user', value: 'dark' },
    ]);
    // b's own device setting of the same key is independent of a's.
    b.store.settings.set('model.path', '/b/model.gguf', { scope: 'device' });
    exchange(b.store, a.store);
    expect(a.store.settings.get('model.path')).toBe('/models/secret.gguf');
    expect(b.store.settings.get('model.path')).toBe('/b/model.gguf');
    expectRebuildEqualsLive(a.store);
    expectRebuildEqualsLive(b.store);
  });

  it('ignores a synced op that claims to be a device setting', () => {
    a.store.settings.set('model.path', '/a/model.gguf');
    const forged = rewriteOps(a.store.sync.export().text, (lines) =>
      lines.map((line) => line.replace('"user:model.path"', '"device:model.path"')),
    );
    expect(forged).toContain('"device:model.path"');
    b.store.sync.import(forged);
    expect(b.store.settings.get('model.path')).toBeUndefined();
    expect(b.store.settings.list()).toEqual([]);
    // Kept in the log all the same, as any op this version does not apply.
    expect(b.store.ops().map((op) => op.record)).toEqual(['device:model.path']);
    expectRebuildEqualsLive(b.store);
  });
});
