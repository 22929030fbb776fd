import { memoryLine } from '../memory/memory-line.js';
import { shortMemoryId } from '../memory/memory-short-id.js';
import type { MemoryStore } from '../memory/memory-types.js';
import { recallContextFor } from '../memory/recall-context.js';
import { estimateTokens } from '../model/token-estimate.js';

const HEADING = 'Project memory (accepted records that may apply; recall finds more):';
/** Most characters of a record's body shown; a longer one is cut (recall shows more). */
const BODY_CHARACTERS = 300;
/** A body cut shorter than this is left out (the title alone is shown). */
const MIN_BODY_CHARACTERS = 60;
const DEFAULT_MAX_RECORDS = 5;
const DEFAULT_MIN_RELATIVE_SCORE = 0.5;

export interface MemoryContextOptions {
  memory: Pick<MemoryStore, 'recall' | 'resolveId'>;
  /** The user's message: what the records are recalled for. */
  message: string;
  /** Files of the current work (`workPathsOf`), besides those the message names. */
  workPaths?: readonly string[];
  /** Most tokens the block may take, heading included; 0 means none. */
  tokenBudget: number;
  /** Defaults to {@link estimateTokens}. */
  countTokens?: (text: string) => number;
  /** Records shown at most. Default 5. */
  maxRecords?: number;
  /** Records scoring below this share of the best one are left out. Default 0.5 (half the best). */
  minRelativeScore?: number;
}

/**
 * The project memory of one user turn (issue 6): the accepted records most relevant to the
 * message and the current work, best first, one line each, within a token budget — for the
 * volatile per-turn context, never the stable prompt prefix. Proposed and retired records never
 * appear. When the next record does not fit whole, its body is cut to what is left (or left out),
 * and the block ends. Undefined when nothing is worth showing.
 */
export function describeMemory(options: MemoryContextOptions): string | undefined {
  const budget = options.tokenBudget;
  if (budget <= 0 || options.message.trim() === '') return undefined;
  const count = options.countTokens ?? estimateTokens;
  const cost = (line: string): number => count(`${line}\n`);
  const maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
  const hits = options.memory
    .recall(options.message, {
      context: recallContextFor(options.message, options.workPaths),
      statuses: ['accepted'],
      limit: maxRecords,
    })
    // Whatever the store returns, only accepted records guide the model.
    .filter((hit) => hit.record.status === 'accepted' && hit.score > 0);
  const best = hits[0]?.score ?? 0;
  if (best <= 0) return undefined;
  const minScore = best * (options.minRelativeScore ?? DEFAULT_MIN_RELATIVE_SCORE);

  const lines = [HEADING];
  let used = cost(HEADING);
  for (const { record, score } of hits) {
    if (score < minScore) break;
    const id = shortMemoryId(options.memory, record.id);
    const whole = `- ${memoryLine(record, id, BODY_CHARACTERS)}`;
    if (used + cost(whole) <= budget) {
      lines.push(whole);
      used += cost(whole);
      continue;
    }
    const cut = longestFitting(
      budget - used,
      (characters) => `- ${memoryLine(record, id, characters)}`,
      cost,
    );
    if (cut !== undefined) lines.push(cut);
    break;
  }
  return lines.length > 1 ? lines.join('\n') : undefined;
}

/** The line with the longest body (or none) that costs at most `room` tokens. */
function longestFitting(
  room: number,
  line: (bodyCharacters: number) => string,
  cost: (line: string) => number,
): string | undefined {
  for (
    let characters = BODY_CHARACTERS;
    characters >= MIN_BODY_CHARACTERS;
    characters = Math.floor(characters * 0.7)
  ) {
    const candidate = line(characters);
    if (cost(candidate) <= room) return candidate;
  }
  const titleOnly = line(0);
  return cost(titleOnly) <= room ? titleOnly : undefined;
}
