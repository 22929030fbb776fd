import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { ReadTextFile } from './file-analysis.js';
import { type IndexDatabase, readMeta } from './index-database.js';
import {
  type ChangedFile,
  type StoredFile,
  isUnchangedByStat,
  loadStoredFiles,
  scanProject,
} from './file-scan.js';

/**
 * Whether the project differs from the index: an unfinished last build, a file added or removed,
 * or one whose size or time changed and whose content hash then differs too. Only files whose
 * stat differs are read.
 */
export async function isIndexStale(
  db: IndexDatabase,
  projectRoot: string,
  readFile: ReadTextFile,
  maxFileBytes: number,
): Promise<boolean> {
  if (readMeta(db, 'build_complete') !== '1') return true;
  const scan = await scanProject(projectRoot, loadStoredFiles(db));
  if (scan.removed.length > 0) return true;
  for (const file of scan.changed) {
    if (await contentChanged(projectRoot, file, readFile, maxFileBytes)) return true;
  }
  return false;
}

/**
 * The synchronous, cheaper check behind `status({ checkStale: true })`: it stats the files the
 * index knows (hashing only those whose stat differs) but does not list the project, so files
 * added since the last build are only noticed by {@link isIndexStale}.
 */
export function isIndexStaleByKnownFiles(db: IndexDatabase, projectRoot: string): boolean {
  if (readMeta(db, 'build_complete') !== '1') return true;
  for (const stored of loadStoredFiles(db).values()) {
    const absolutePath = path.join(projectRoot, stored.path);
    let size: number;
    let mtimeMs: number;
    try {
      ({ size, mtimeMs } = statSync(absolutePath));
    } catch {
      // Gone (or no longer reachable): the index still lists it, so it is stale.
      return true;
    }
    if (stored.skip_reason !== null) {
      if (skippedFileTouched(stored, size, mtimeMs)) return true;
    } else if (!isUnchangedByStat(stored, size, mtimeMs)) {
      if (!sameHash(stored, () => readFileSync(absolutePath))) return true;
    }
  }
  return false;
}

async function contentChanged(
  projectRoot: string,
  file: ChangedFile,
  readFile: ReadTextFile,
  maxFileBytes: number,
): Promise<boolean> {
  const { stored } = file;
  if (stored === undefined) return true;
  if (stored.skip_reason !== null) return skippedFileTouched(stored, file.size, file.mtimeMs);
  try {
    const read = await readFile(path.join(projectRoot, file.path), { maxBytes: maxFileBytes });
    return read.kind !== 'text' || !sameHash(stored, () => read.bytes);
  } catch {
    // Unreadable now, indexed before: the next build has something to record.
    return true;
  }
}

/** A skipped file whose stat changed may now be indexable (or still not); the build decides. */
function skippedFileTouched(stored: StoredFile, size: number, mtimeMs: number): boolean {
  return stored.size !== size || stored.mtime_ms !== mtimeMs;
}

function sameHash(stored: StoredFile, read: () => Buffer): boolean {
  if (stored.hash === null) return false;
  try {
    return createHash('sha256').update(read()).digest('hex') === stored.hash;
  } catch {
    // Cannot be read now although it was indexed: the next build has something to record.
    return false;
  }
}
