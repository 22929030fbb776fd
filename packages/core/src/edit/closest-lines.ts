/** Lines compared per file line × search line pair; past this budget fewer search lines are used. */
const PAIR_BUDGET = 2_000_000;
/** Characters of a line that count for similarity. */
const MAX_COMPARED_CHARACTERS = 200;

export interface ClosestLines {
  /** 0-based index of the first file line of the window. */
  start: number;
  /** Number of lines in the window (the search block's line count). */
  length: number;
  /** 0 (nothing alike) to 1 (identical apart from surrounding whitespace). */
  similarity: number;
}

/**
 * Finds the window of file lines most like the search block: each search line is compared with
 * the file line at the same place in the window (character-bigram similarity, ignoring leading
 * and trailing whitespace), weighted by its length so that `}` lines count for little. The work
 * is capped: on a very large file only some of the search lines are compared.
 */
export function findClosestLines(
  fileLines: readonly string[],
  searchLines: readonly string[],
): ClosestLines | null {
  const windowLength = searchLines.length;
  const windowCount = fileLines.length - windowLength + 1;
  if (windowLength === 0 || windowCount <= 0) {
    return fileLines.length === 0 || windowLength === 0
      ? null
      : { start: 0, length: fileLines.length, similarity: 0 };
  }
  const sampled = sampleIndexes(searchLines, Math.max(1, Math.floor(PAIR_BUDGET / windowCount)));
  const searchGrams = sampled.map((index) => bigrams(searchLines[index] ?? ''));
  const weights = sampled.map((index) => (searchLines[index] ?? '').trim().length + 1);
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  const fileGrams: (Int32Array | undefined)[] = new Array<Int32Array | undefined>(fileLines.length);
  const gramsOf = (index: number): Int32Array => {
    const cached = fileGrams[index];
    if (cached !== undefined) return cached;
    const computed = bigrams(fileLines[index] ?? '');
    fileGrams[index] = computed;
    return computed;
  };

  let best: ClosestLines = { start: 0, length: windowLength, similarity: -1 };
  for (let start = 0; start < windowCount; start += 1) {
    let score = 0;
    sampled.forEach((searchIndex, position) => {
      const similarity = dice(
        searchGrams[position] ?? new Int32Array(),
        gramsOf(start + searchIndex),
      );
      score += similarity * (weights[position] ?? 0);
    });
    const similarity = score / totalWeight;
    if (similarity > best.similarity) best = { start, length: windowLength, similarity };
  }
  return best;
}

/** At most `count` search line indexes, preferring the longest (most telling) lines. */
function sampleIndexes(searchLines: readonly string[], count: number): number[] {
  const indexes = searchLines.map((_, index) => index);
  if (indexes.length <= count) return indexes;
  return indexes
    .sort((a, b) => (searchLines[b] ?? '').trim().length - (searchLines[a] ?? '').trim().length)
    .slice(0, count)
    .sort((a, b) => a - b);
}

/** Sorted character-bigram codes of a line without its surrounding whitespace. */
function bigrams(line: string): Int32Array {
  const text = line.trim().slice(0, MAX_COMPARED_CHARACTERS);
  if (text.length === 0) return new Int32Array();
  if (text.length === 1) return Int32Array.of(text.charCodeAt(0));
  const codes = new Int32Array(text.length - 1);
  for (let index = 0; index < codes.length; index += 1) {
    codes[index] = (text.charCodeAt(index) << 16) | text.charCodeAt(index + 1);
  }
  return codes.sort();
}

/** Dice coefficient of two sorted bigram multisets; two blank lines are identical. */
function dice(a: Int32Array, b: Int32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  let shared = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const left = a[i] ?? 0;
    const right = b[j] ?? 0;
    if (left === right) {
      shared += 1;
      i += 1;
      j += 1;
    } else if (left < right) i += 1;
    else j += 1;
  }
  return (2 * shared) / (a.length + b.length);
}
