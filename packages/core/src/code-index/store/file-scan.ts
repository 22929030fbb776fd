import { statSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import * as path from 'node:path';
import { listProjectFiles } from '../../project/file-listing.js';
import type { IndexDatabase } from './index-database.js';
import { isVendoredPath } from './vendored-paths.js';

/**
 * A file's mtime is only trusted when it is this much older than the moment it was indexed:
 * filesystems store times with a granularity (up to 2 s on some), so a file written again in the
 * same tick with the same size would look unchanged. Such "racily clean" files are hashed again.
 */
const RACY_WINDOW_MS = 2_000;
/** Files stat-ed between two turns of the event loop (so an abort or a timer gets a look in). */
const STAT_BATCH = 512;

/** What the index holds for one file. */
export interface StoredFile {
  path: string;
  hash: string | null;
  size: number;
  mtime_ms: number;
  indexed_at: number;
  skip_reason: string | null;
  skip_detail: string | null;
}

/** A listed file whose size or time differs from the index (or that the index lacks). */
export interface ChangedFile {
  path: string;
  size: number;
  mtimeMs: number;
  stored: StoredFile | undefined;
}

/** The project compared with the index by stat alone. */
export interface ScanResult {
  /** Listed files, vendored ones excluded. */
  listed: number;
  vendored: string[];
  unchanged: StoredFile[];
  changed: ChangedFile[];
  /** Paths the index holds that are no longer in the project (or are now vendored). */
  removed: string[];
}

/** Every row of the `files` table by path. */
export function loadStoredFiles(db: IndexDatabase): Map<string, StoredFile> {
  const rows = db
    .prepare('SELECT path, hash, size, mtime_ms, indexed_at, skip_reason, skip_detail FROM files')
    .all() as StoredFile[];
  return new Map(rows.map((row) => [row.path, row]));
}

/** Whether a stored row still describes a file with this size and time, without reading it. */
export function isUnchangedByStat(stored: StoredFile, size: number, mtimeMs: number): boolean {
  return (
    stored.size === size &&
    stored.mtime_ms === mtimeMs &&
    stored.mtime_ms < stored.indexed_at - RACY_WINDOW_MS &&
    // Permissions can change without touching the time: retry what could not be read.
    stored.skip_reason !== 'unreadable'
  );
}

/**
 * Lists the project (git ls-files, or a walk honouring `.gitignore` and `.outpostignore`), drops
 * vendored paths and stats every file against the index. Reads no file content.
 */
export async function scanProject(
  projectRoot: string,
  stored: Map<string, StoredFile>,
  options: { signal?: AbortSignal; onStat?: (done: number, total: number) => void } = {},
): Promise<ScanResult> {
  const { signal } = options;
  const listing = await listProjectFiles(projectRoot, { signal });
  const vendored: string[] = [];
  const candidates: string[] = [];
  for (const relativePath of listing) {
    (isVendoredPath(relativePath) ? vendored : candidates).push(relativePath);
  }
  const unchanged: StoredFile[] = [];
  const changed: ChangedFile[] = [];
  const present = new Set<string>();
  for (let start = 0; start < candidates.length; start += STAT_BATCH) {
    if (start > 0) await nextTurn();
    signal?.throwIfAborted();
    const batch = candidates.slice(start, start + STAT_BATCH);
    const stats = batch.map((relativePath) => statOrGone(projectRoot, relativePath));
    batch.forEach((relativePath, index) => {
      const found = stats[index];
      if (found === undefined) return;
      present.add(relativePath);
      const row = stored.get(relativePath);
      if (row !== undefined && isUnchangedByStat(row, found.size, found.mtimeMs)) {
        unchanged.push(row);
      } else {
        changed.push({ path: relativePath, size: found.size, mtimeMs: found.mtimeMs, stored: row });
      }
    });
    options.onStat?.(Math.min(start + batch.length, candidates.length), candidates.length);
  }
  const removed = [...stored.keys()].filter((relativePath) => !present.has(relativePath));
  return { listed: present.size, vendored, unchanged, changed, removed };
}

/** Synchronous: microseconds per file, far less than a thread-pool round trip for each. */
function statOrGone(
  projectRoot: string,
  relativePath: string,
): { size: number; mtimeMs: number } | undefined {
  try {
    const stats = statSync(path.join(projectRoot, relativePath));
    return { size: stats.size, mtimeMs: stats.mtimeMs };
  } catch (error) {
    // Deleted between the listing and now: it is gone from the project, so from the index too.
    if (isMissing(error)) return undefined;
    // Something else (permissions): reading it will fail too and say why, as `unreadable`.
    return { size: -1, mtimeMs: -1 };
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
