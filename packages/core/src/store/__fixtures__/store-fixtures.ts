import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Op, type SessionEventData } from '@outpost/protocol';
import { expect } from 'vitest';
import { compareHlc } from '../hybrid-logical-clock.js';
import { compareOps, type StoredOp } from '../stored-op.js';

/** A fixed test key (the store never sees a key like this outside tests). */
export const TEST_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
export const OTHER_KEY = 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100';

export interface TemporaryDirectory {
  path: string;
  remove(): void;
}

export function createTemporaryDirectory(): TemporaryDirectory {
  const path = mkdtempSync(join(tmpdir(), 'outpost-store-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A wall clock the test moves by hand, backwards too. */
export interface FakeClock {
  now: () => number;
  set(time: number): void;
  advance(milliseconds: number): void;
}

export function createFakeClock(start = Date.UTC(2025, 0, 1)): FakeClock {
  let time = start;
  return {
    now: () => time,
    set(next) {
      time = next;
    },
    advance(milliseconds) {
      time += milliseconds;
    },
  };
}

/** One payload of each event type. */
export const sampleEvents: SessionEventData[] = [
  { type: 'user-message', text: 'fix the failing test in parser.ts' },
  { type: 'model-call', step: 0, provider: 'ollama', model: 'qwen3-coder', inputTokens: 1200, outputTokens: 80, timeToFirstTokenMs: 420, durationMs: 2100, finishReason: 'tool-calls' },
  { type: 'assistant-message', step: 0, text: 'Reading the test first.', reasoning: 'the error is in parse()', partial: false },
  { type: 'tool-call', step: 0, toolCallId: 'call-1', toolName: 'read_file', arguments: '{"path":"src/parser.ts"}' },
  { type: 'tool-result', step: 0, toolCallId: 'call-1', toolName: 'read_file', ok: true, output: 'export function parse() {}' },
  { type: 'file-change', toolCallId: 'call-2', path: 'src/parser.ts', beforeHash: 'a'.repeat(64), afterHash: 'b'.repeat(64), linesAdded: 2, linesRemoved: 1, diff: '@@ -1 +1,2 @@\n-a\n+b\n+c\n' },
  { type: 'command-run', toolCallId: 'call-3', command: 'npm test', exitCode: 0, signal: null, timedOut: false, durationMs: 5300, outputExcerpt: 'ok 12 tests' },
  { type: 'error', kind: 'step-limit', message: 'stopped after 20 steps', step: 19 },
];

/**
 * The log's own promises, for every device: each op is a valid `Op` of a known kind, `seq` runs
 * 1, 2, 3… without gaps, and timestamps strictly increase with `seq`.
 */
export function expectWellFormedLog(ops: readonly StoredOp[]): void {
  const byDevice = new Map<string, StoredOp[]>();
  for (const op of ops) {
    expect(Op.safeParse(op).success).toBe(true);
    byDevice.set(op.device, [...(byDevice.get(op.device) ?? []), op]);
  }
  for (const deviceOps of byDevice.values()) {
    const inSeqOrder = [...deviceOps].sort((a, b) => a.seq - b.seq);
    expect(inSeqOrder.map((op) => op.seq)).toEqual(inSeqOrder.map((_, index) => index + 1));
    inSeqOrder.slice(1).forEach((op, index) => {
      const previous = inSeqOrder[index];
      if (previous === undefined) throw new Error('unreachable');
      expect(compareHlc(op.hlc, previous.hlc), `hlc of seq ${op.seq}`).toBeGreaterThan(0);
    });
  }
}

/** A seeded pseudo-random number generator (mulberry32): numbers in [0, 1), the same for a seed. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic Fisher–Yates shuffle, so a fast-check value controls the order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = createRandom(seed);
  const result = [...items];
  for (let index = result.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}

/** Every op of the logs once, in `(hlc, device, seq)` order. */
export function union(...logs: StoredOp[][]): StoredOp[] {
  const byId = new Map<string, StoredOp>();
  for (const op of logs.flat()) byId.set(`${op.device}/${op.seq}`, op);
  return [...byId.values()].sort(compareOps);
}
