import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../errors/store-error.js';
import {
  createTemporaryDirectory,
  type TemporaryDirectory,
} from './__fixtures__/store-fixtures.js';
import {
  loadOrCreateStoreKey,
  resolveDataDirectory,
  storeKeyPath,
  storePath,
} from './store-location.js';

describe('resolveDataDirectory', () => {
  const home = '/home/dev';

  it('prefers OUTPOST_HOME, then XDG_DATA_HOME, then ~/.local/share', () => {
    expect(
      resolveDataDirectory({ OUTPOST_HOME: '/srv/outpost', XDG_DATA_HOME: '/data' }, home),
    ).toBe('/srv/outpost');
    expect(resolveDataDirectory({ XDG_DATA_HOME: '/data' }, home)).toBe('/data/outpost');
    expect(resolveDataDirectory({}, home)).toBe('/home/dev/.local/share/outpost');
  });

  it('ignores empty variables and a relative XDG_DATA_HOME', () => {
    expect(resolveDataDirectory({ OUTPOST_HOME: '', XDG_DATA_HOME: '' }, home)).toBe(
      '/home/dev/.local/share/outpost',
    );
    expect(resolveDataDirectory({ XDG_DATA_HOME: 'relative/data' }, home)).toBe(
      '/home/dev/.local/share/outpost',
    );
  });

  it('puts the database in the data directory', () => {
    expect(storePath('/data/outpost')).toBe('/data/outpost/outpost.db');
  });
});

describe('loadOrCreateStoreKey', () => {
  let directory: TemporaryDirectory;
  let dataDirectory: string;
  beforeEach(() => {
    directory = createTemporaryDirectory();
    dataDirectory = join(directory.path, 'outpost');
  });
  afterEach(() => directory.remove());

  it('creates a private key file once and reuses it', () => {
    const first = loadOrCreateStoreKey(dataDirectory, {});
    expect(first).toEqual({
      keyHex: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
      source: 'key-file',
      warning: undefined,
    });
    const keyFile = storeKeyPath(dataDirectory);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(dataDirectory).mode & 0o777).toBe(0o700);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(first.keyHex);
    expect(loadOrCreateStoreKey(dataDirectory, {})).toEqual(first);
    // A different directory gets a different random key.
    expect(loadOrCreateStoreKey(join(directory.path, 'other'), {}).keyHex).not.toBe(first.keyHex);
  });

  it('warns when other users can read the key file', () => {
    const { keyHex } = loadOrCreateStoreKey(dataDirectory, {});
    chmodSync(storeKeyPath(dataDirectory), 0o644);
    const loaded = loadOrCreateStoreKey(dataDirectory, {});
    expect(loaded.keyHex).toBe(keyHex);
    expect(loaded.warning).toBe(
      `the key file ${storeKeyPath(dataDirectory)} can be read by other users (mode 0644); ` +
        `run: chmod 600 '${storeKeyPath(dataDirectory)}'`,
    );
  });

  it('refuses a damaged key file', () => {
    loadOrCreateStoreKey(dataDirectory, {});
    writeFileSync(storeKeyPath(dataDirectory), 'not a key\n');
    expect(() => loadOrCreateStoreKey(dataDirectory, {})).toThrow(/is damaged/);
  });

  it('takes OUTPOST_DB_KEY first, without creating a key file', () => {
    const key = 'AB'.repeat(32);
    expect(loadOrCreateStoreKey(dataDirectory, { OUTPOST_DB_KEY: key })).toEqual({
      keyHex: key.toLowerCase(),
      source: 'environment',
      warning: undefined,
    });
    expect(() => statSync(storeKeyPath(dataDirectory))).toThrow(/ENOENT/);
  });

  it('rejects a malformed OUTPOST_DB_KEY without echoing it', () => {
    const cases: [string, string][] = [
      ['abc', 'it has 3 characters'],
      ['g'.repeat(64), 'it has 64 characters, not all hexadecimal'],
      ['a'.repeat(65), 'it has 65 characters'],
    ];
    for (const [value, detail] of cases) {
      expect(() => loadOrCreateStoreKey(dataDirectory, { OUTPOST_DB_KEY: value })).toThrow(
        new StoreError(
          `OUTPOST_DB_KEY must be 64 hexadecimal characters (a 256-bit key); ${detail}`,
        ),
      );
    }
  });
});
