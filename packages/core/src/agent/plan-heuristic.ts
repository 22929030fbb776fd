/**
 * Whether a user message looks like several pieces of work, so a plan step is worth its model
 * call (docs/architecture/agent-loop.md, "Planning"). Deliberately conservative: a one-line bug
 * fix ("fix the failing test in calc.py") must not pay for a plan, so only clear signs count —
 * a list of at least three items, at least three files named, at least two sequencing words
 * ("then", "after that", "finally", …) across at least two sentences, or a long message.
 */
export interface PlanSignal {
  plan: boolean;
  /** Why, in a few words (recorded with the plan). */
  reason: string;
}

/** Messages longer than this many words get a plan whatever else they say. */
export const LONG_MESSAGE_WORDS = 120;
const MIN_LIST_ITEMS = 3;
const MIN_FILES = 3;
const MIN_SEQUENCE_WORDS = 2;

const LIST_ITEM = /^\s*(?:[-*•]|\d{1,2}[.)])\s+\S/;
/** A path with a directory or an extension of 1–5 letters: `src/a.ts`, `README.md`, `calc.py`. */
const FILE =
  /(?:^|[\s`'"(])((?:[\w.-]+\/)+[\w.-]+|[\w-]+\.[A-Za-z]{1,5})(?=$|[\s`'"),:;!?]|\.(?:\s|$))/g;
const SEQUENCE = /\b(?:then|after that|afterwards|finally|lastly|once that is done|and also)\b/gi;
/** Words that end in a dot but are not file names. */
const NOT_FILES = new Set(['e.g', 'i.e', 'etc', 'vs']);

export function planSignal(message: string): PlanSignal {
  const listItems = message.split('\n').filter((line) => LIST_ITEM.test(line)).length;
  if (listItems >= MIN_LIST_ITEMS) return { plan: true, reason: `a list of ${listItems} items` };
  const files = namedFiles(message);
  if (files.size >= MIN_FILES) return { plan: true, reason: `${files.size} files named` };
  const sentences = message.split(/[.!?;\n]+\s*/).filter((part) => part.trim() !== '').length;
  const sequence = message.match(SEQUENCE)?.length ?? 0;
  if (sequence >= MIN_SEQUENCE_WORDS && sentences >= 2) {
    return { plan: true, reason: `${sequence} steps in sequence` };
  }
  const words = message.split(/\s+/).filter((word) => word !== '').length;
  if (words > LONG_MESSAGE_WORDS) return { plan: true, reason: `${words} words` };
  return { plan: false, reason: 'a short, single-step message' };
}

function namedFiles(message: string): Set<string> {
  const files = new Set<string>();
  for (const match of message.matchAll(FILE)) {
    const name = match[1];
    if (name === undefined || NOT_FILES.has(name.toLowerCase())) continue;
    // Version numbers (`1.2`) and URLs' hosts are not files.
    if (/^\d+(\.\d+)+$/.test(name) || /^(?:www\.|https?)/.test(name)) continue;
    files.add(name);
  }
  return files;
}
