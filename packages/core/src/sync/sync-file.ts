import { createHash } from 'node:crypto';
import { Op } from '@outpost/protocol';
import { z } from 'zod';
import type { StoredOp } from '../store/stored-op.js';
import { compareOps } from '../store/stored-op.js';
import { cursorCovers, SyncCursor, SyncDeviceId } from './sync-cursor.js';
import { SyncFileError } from './sync-file-error.js';

/**
 * The sneakernet file (docs/architecture/sync.md): JSON lines. Line 1 is the header; then one op
 * per line in `(hlc, device, seq)` order, each line ending in `\n`. `sha256` is the SHA-256 of
 * every byte after the header line, so a changed, added, removed or cut op fails the check.
 * Version 2 added an op's optional `base`; version 1 files (no base) are still read.
 */
export const SYNC_FILE_FORMAT = 'outpost-ops';
export const SYNC_FILE_VERSION = 2;
/** Every version this reader accepts. */
const READABLE_VERSIONS = [1, 2] as const;

export const SyncFileHeader = z.strictObject({
  format: z.literal(SYNC_FILE_FORMAT),
  version: z.union(READABLE_VERSIONS.map((version) => z.literal(version))),
  /** The store that wrote the file. */
  device: SyncDeviceId,
  exportedAt: z.iso.datetime(),
  /** The cursor the export started after (`--since`), or null for everything. */
  since: SyncCursor.nullable(),
  /** The greatest `seq` of each device in the exporting store: what its holder has now. */
  cursor: SyncCursor,
  opCount: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hexadecimal digits'),
});
export type SyncFileHeader = z.infer<typeof SyncFileHeader>;

/**
 * One op as a line of the file: exactly the fields of an op (`base` only when the op has one), a
 * device id a cursor can name.
 */
export const SyncFileOp = z.strictObject({ ...Op.shape, device: SyncDeviceId });
export type SyncFileOp = z.infer<typeof SyncFileOp>;

export interface SyncFile {
  header: SyncFileHeader;
  ops: StoredOp[];
}

/** A space whose records never leave the device (reference/sync-notes.md §4.3). */
export function isDeviceSpace(space: string): boolean {
  return space.startsWith('device:');
}

/** Writes the file's text; `ops` must already be in `(hlc, device, seq)` order. */
export function formatSyncFile(
  options: Omit<SyncFileHeader, 'format' | 'version' | 'opCount' | 'sha256'> & {
    ops: readonly StoredOp[];
  },
): { text: string; header: SyncFileHeader } {
  const { ops, ...rest } = options;
  const body = ops.map((op) => `${JSON.stringify(opLine(op))}\n`).join('');
  const header: SyncFileHeader = {
    format: SYNC_FILE_FORMAT,
    version: SYNC_FILE_VERSION,
    ...rest,
    opCount: ops.length,
    sha256: sha256(body),
  };
  return { text: `${JSON.stringify(header)}\n${body}`, header };
}

/**
 * Reads and checks a sync file without touching any store: the header, the checksum, the count,
 * every op's shape, their order, no duplicates, no `device:` space, and that each op is within
 * the header's cursor. Throws `SyncFileError` with the first problem found.
 */
export function parseSyncFile(text: string): SyncFile {
  const newline = text.indexOf('\n');
  if (newline < 0) {
    throw new SyncFileError(
      text.trim() === ''
        ? 'the file is empty: it is not an Outpost sync file'
        : 'the file has no complete header line: it is cut short or not an Outpost sync file',
    );
  }
  const header = parseHeader(text.slice(0, newline));
  const body = text.slice(newline + 1);
  if (sha256(body) !== header.sha256) {
    throw new SyncFileError(
      'the checksum of the ops does not match the header: the file was cut short or changed ' +
        'after it was exported; export it again',
    );
  }
  if (body !== '' && !body.endsWith('\n')) {
    throw new SyncFileError('the last op line is cut short; export the file again');
  }
  const lines = body === '' ? [] : body.slice(0, -1).split('\n');
  if (lines.length !== header.opCount) {
    throw new SyncFileError(
      `the header announces ${header.opCount} ops but the file holds ${lines.length}; export it again`,
    );
  }
  const ops = lines.map((line, index) => parseOpLine(line, index + 2, header));
  checkOrder(ops);
  return { header, ops };
}

function parseHeader(line: string): SyncFileHeader {
  const json = parseJson(line, 'the header (line 1)');
  if (typeof json === 'object' && json !== null && 'format' in json) {
    const { format, version } = json as { format: unknown; version?: unknown };
    if (format === SYNC_FILE_FORMAT && typeof version === 'number' && version > SYNC_FILE_VERSION) {
      throw new SyncFileError(
        `the file is sync format version ${version}, written by a newer Outpost; this one reads ` +
          `version ${SYNC_FILE_VERSION}: upgrade Outpost to import it`,
      );
    }
  }
  const parsed = SyncFileHeader.safeParse(json);
  if (!parsed.success) {
    throw new SyncFileError(
      `the header (line 1) is not an Outpost sync file header: ${describeIssues(parsed.error)}`,
    );
  }
  return parsed.data;
}

function parseOpLine(line: string, lineNumber: number, header: SyncFileHeader): StoredOp {
  const json = parseJson(line, `the op on line ${lineNumber}`);
  const parsed = SyncFileOp.safeParse(json);
  if (!parsed.success || !Object.hasOwn(json as object, 'value')) {
    const reason = parsed.success ? 'value: missing' : describeIssues(parsed.error);
    throw new SyncFileError(`the op on line ${lineNumber} is malformed: ${reason}`);
  }
  const op = parsed.data;
  if (header.version === 1 && op.base !== undefined) {
    throw new SyncFileError(
      `the op on line ${lineNumber} has a base, which sync format version 1 does not have`,
    );
  }
  if (isDeviceSpace(op.space)) {
    throw new SyncFileError(
      `the op on line ${lineNumber} is in the space ${op.space}, which never leaves its device`,
    );
  }
  if (!cursorCovers(header.cursor, op.device, op.seq)) {
    throw new SyncFileError(
      `the op on line ${lineNumber} (${op.device}, ${op.seq}) is beyond the header's cursor`,
    );
  }
  if (header.since !== null && cursorCovers(header.since, op.device, op.seq)) {
    throw new SyncFileError(
      `the op on line ${lineNumber} (${op.device}, ${op.seq}) is before the header's --since cursor`,
    );
  }
  return op;
}

function checkOrder(ops: readonly StoredOp[]): void {
  const seen = new Set<string>();
  ops.forEach((op, index) => {
    const identity = `${op.device}\u0000${op.seq}`;
    if (seen.has(identity)) {
      throw new SyncFileError(`the file holds op (${op.device}, ${op.seq}) twice`);
    }
    seen.add(identity);
    const previous = ops[index - 1];
    if (previous !== undefined && compareOps(previous, op) >= 0) {
      throw new SyncFileError(
        `the ops on lines ${index + 1} and ${index + 2} are not in (hlc, device, seq) order`,
      );
    }
  });
}

function parseJson(line: string, what: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    // The parser's own message names a column in one line of JSON, which says less than this.
    throw new SyncFileError(`${what} is not valid JSON: the file is damaged or not a sync file`);
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`)
    .join('; ');
}

function opLine(op: StoredOp): SyncFileOp {
  const { device, seq, hlc, space, kind, record, field, value, base } = op;
  return {
    device,
    seq,
    hlc,
    space,
    kind,
    record,
    field,
    value,
    ...(base === undefined ? {} : { base }),
  };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
