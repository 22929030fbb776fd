import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { StoreError } from '../errors/store-error.js';

/**
 * Where the store lives and where its key comes from.
 *
 * Keys (reference/sync-notes.md §4.7): the design keeps the database key in the OS keychain, or in
 * a key file wrapped by a passphrase-derived key; both come later. What is here is the headless
 * fallback the design allows: `OUTPOST_DB_KEY` from the environment, else an unwrapped key file
 * (`store.key`, mode 0600) next to the database. The key file protects against a copied database
 * file, not against someone who can read the user's home directory.
 */

/** `OUTPOST_HOME`, else `$XDG_DATA_HOME/outpost`, else `~/.local/share/outpost`. */
export function resolveDataDirectory(env: NodeJS.ProcessEnv, homedir: string): string {
  const outpostHome = env['OUTPOST_HOME'];
  if (outpostHome !== undefined && outpostHome !== '') return outpostHome;
  const xdgDataHome = env['XDG_DATA_HOME'];
  // The XDG spec says a relative path in XDG_DATA_HOME is invalid and must be ignored.
  if (xdgDataHome !== undefined && isAbsolute(xdgDataHome)) return join(xdgDataHome, 'outpost');
  return join(homedir, '.local', 'share', 'outpost');
}

export function storePath(dataDirectory: string): string {
  return join(dataDirectory, 'outpost.db');
}

export function storeKeyPath(dataDirectory: string): string {
  return join(dataDirectory, 'store.key');
}

export interface StoreKey {
  /** 64 lowercase hexadecimal characters. */
  keyHex: string;
  source: 'environment' | 'key-file';
  /** Something the user should fix, e.g. a key file other users can read. */
  warning: string | undefined;
}

const keyPattern = /^[0-9a-fA-F]{64}$/;

/**
 * The database key: `OUTPOST_DB_KEY` (64 hex characters) if set; otherwise the key file in
 * `dataDirectory`, created with 32 random bytes on first use.
 */
export function loadOrCreateStoreKey(dataDirectory: string, env: NodeJS.ProcessEnv): StoreKey {
  const fromEnvironment = env['OUTPOST_DB_KEY'];
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    const key = fromEnvironment.trim();
    if (!keyPattern.test(key)) {
      // Never echo the value: it is meant to be a secret.
      throw new StoreError(
        `OUTPOST_DB_KEY must be 64 hexadecimal characters (a 256-bit key); it has ` +
          `${key.length} characters${/^[0-9a-fA-F]*$/.test(key) ? '' : ', not all hexadecimal'}`,
      );
    }
    return { keyHex: key.toLowerCase(), source: 'environment', warning: undefined };
  }

  const path = storeKeyPath(dataDirectory);
  mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
  if (!existsSync(path)) createKeyFileIfAbsent(path);
  const key = readFileSync(path, 'utf8').trim();
  if (!keyPattern.test(key)) {
    throw new StoreError(
      `the key file ${path} is damaged: it should hold 64 hexadecimal characters. ` +
        'Restore it from a backup; without it the store cannot be decrypted.',
    );
  }
  return { keyHex: key.toLowerCase(), source: 'key-file', warning: permissionWarning(path) };
}

/**
 * Writes the key to a temporary file and links it into place: `link` fails if the key file exists,
 * so when two processes start at once both end up reading the same complete key.
 */
function createKeyFileIfAbsent(path: string): void {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const descriptor = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(descriptor, `${randomBytes(32).toString('hex')}\n`);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  try {
    linkSync(temporary, path);
  } catch (error) {
    // EEXIST: a key file is already there (made earlier or by another process); that one is used.
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
  } finally {
    unlinkSync(temporary);
  }
}

function permissionWarning(path: string): string | undefined {
  // Windows has no POSIX mode bits; the user profile's ACL protects the file there.
  if (process.platform === 'win32') return undefined;
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) === 0) return undefined;
  return (
    `the key file ${path} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}); ` +
    `run: chmod 600 '${path}'`
  );
}
