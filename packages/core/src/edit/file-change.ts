import { createHash } from 'node:crypto';
import type { FileChangeEvent } from '@outpost/protocol';
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from 'diff';
import { isBinaryContent } from '../project/file-kind.js';

/** Diffs longer than this are cut (at a line boundary) before they are recorded. */
export const MAX_DIFF_BYTES = 20 * 1024;
/** Diffing gives up after this long (a rewrite of a huge file); line counts are then estimated. */
const DIFF_TIMEOUT_MS = 1000;

export interface FileChange {
  effect: Omit<FileChangeEvent, 'toolCallId'>;
  /** 1-based lines of the new content that changed, or null when nothing did or it is binary. */
  changedLines: { first: number; last: number } | null;
}

export function sha256(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Describes a change to one file as a `file-change` effect: hashes of the bytes before and after
 * (null when absent), counts of added and removed lines, and a unified diff cut to
 * {@link MAX_DIFF_BYTES}.
 */
export function describeFileChange(change: {
  path: string;
  before: Uint8Array | null;
  after: Uint8Array | null;
}): FileChange {
  const { path, before, after } = change;
  const base = {
    type: 'file-change' as const,
    path,
    beforeHash: before === null ? null : sha256(before),
    afterHash: after === null ? null : sha256(after),
  };
  if ((before !== null && isBinaryContent(before)) || (after !== null && isBinaryContent(after))) {
    const diff = `Binary file ${path} changed`;
    return { effect: { ...base, linesAdded: 0, linesRemoved: 0, diff }, changedLines: null };
  }
  const oldText = before === null ? '' : Buffer.from(before).toString('utf8');
  const newText = after === null ? '' : Buffer.from(after).toString('utf8');
  const patch = structuredPatch(
    before === null ? '/dev/null' : `a/${path}`,
    after === null ? '/dev/null' : `b/${path}`,
    oldText,
    newText,
    undefined,
    undefined,
    { context: 3, timeout: DIFF_TIMEOUT_MS },
  );
  if (patch === undefined) {
    const diff = `Diff of ${path} not computed (too many changes)`;
    const linesAdded = countLines(newText);
    const linesRemoved = countLines(oldText);
    return { effect: { ...base, linesAdded, linesRemoved, diff }, changedLines: null };
  }

  let linesAdded = 0;
  let linesRemoved = 0;
  let first: number | null = null;
  let last = 0;
  for (const hunk of patch.hunks) {
    let newLine = hunk.newStart;
    for (const line of hunk.lines) {
      if (line.startsWith('+')) {
        linesAdded += 1;
        first ??= newLine;
        last = newLine;
        newLine += 1;
      } else if (line.startsWith('-')) {
        linesRemoved += 1;
        first ??= newLine;
        last = Math.max(last, newLine);
      } else if (line.startsWith(' ')) {
        newLine += 1;
      }
    }
  }
  const diff = patch.hunks.length === 0 ? '' : capDiff(formatPatch(patch, FILE_HEADERS_ONLY));
  const changedLines = first === null ? null : { first, last: Math.max(first, last) };
  return { effect: { ...base, linesAdded, linesRemoved, diff }, changedLines };
}

function countLines(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

function capDiff(diff: string): string {
  if (Buffer.byteLength(diff, 'utf8') <= MAX_DIFF_BYTES) return diff;
  const head = Buffer.from(diff, 'utf8').subarray(0, MAX_DIFF_BYTES).toString('utf8');
  const cut = head.slice(0, Math.max(0, head.lastIndexOf('\n') + 1));
  return `${cut}[… diff cut at ${MAX_DIFF_BYTES / 1024} KB …]\n`;
}
