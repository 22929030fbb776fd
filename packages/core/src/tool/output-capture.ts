/** Bytes kept from the start of a command's output. */
export const OUTPUT_HEAD_BYTES = 2 * 1024;
/** Bytes kept from the end (the part that matters most: test summaries, the final error). */
export const OUTPUT_TAIL_BYTES = 6 * 1024;
/** How far from a cut a line boundary is looked for, so excerpts start and end on whole lines. */
const LINE_SNAP_BYTES = 256;

/**
 * Keeps the head and tail of a stream of output within a fixed amount of memory, counting what
 * falls in between, and renders them as one excerpt with a `[… N bytes omitted …]` marker.
 */
export class OutputCapture {
  private head: Buffer = Buffer.alloc(0);
  private tail: Buffer[] = [];
  private tailLength = 0;
  private total = 0;

  constructor(
    private readonly headBytes = OUTPUT_HEAD_BYTES,
    private readonly tailBytes = OUTPUT_TAIL_BYTES,
  ) {}

  get totalBytes(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    let rest = chunk;
    if (this.head.length < this.headBytes) {
      const take = Math.min(this.headBytes - this.head.length, rest.length);
      this.head = Buffer.concat([this.head, rest.subarray(0, take)]);
      rest = rest.subarray(take);
    }
    if (rest.length === 0) return;
    this.tail.push(rest);
    this.tailLength += rest.length;
    if (this.tailLength > 2 * this.tailBytes) this.compactTail();
  }

  /** The output as text for the model: ANSI codes removed, the middle replaced by a marker. */
  excerpt(): string {
    this.compactTail();
    const tail = this.tail[0] ?? Buffer.alloc(0);
    const omitted = this.total - this.head.length - tail.length;
    if (omitted === 0) return cleanOutput(Buffer.concat([this.head, tail]).toString('utf8'));
    const head = this.head.subarray(0, snapEnd(this.head));
    const tailStart = snapStart(tail);
    const skipped = omitted + (this.head.length - head.length) + tailStart;
    // A character cut in two at the end decodes as U+FFFD; drop it.
    const headText = cleanOutput(head.toString('utf8').replace(/\uFFFD+$/, ''));
    const tailText = cleanOutput(tail.subarray(tailStart).toString('utf8'));
    const separator = headText.endsWith('\n') ? '' : '\n';
    return `${headText}${separator}[… ${skipped} bytes omitted …]\n${tailText}`;
  }

  private compactTail(): void {
    if (this.tail.length === 0) return;
    const joined = Buffer.concat(this.tail);
    const kept = joined.subarray(Math.max(0, joined.length - this.tailBytes));
    this.tail = [kept];
    this.tailLength = kept.length;
  }
}

/** End of the head: just after its last newline when one is near the end. */
function snapEnd(head: Buffer): number {
  const newline = head.lastIndexOf(0x0a);
  return newline !== -1 && head.length - newline <= LINE_SNAP_BYTES ? newline + 1 : head.length;
}

/** Start of the tail: just after its first newline if one is near the start, else a character. */
function snapStart(tail: Buffer): number {
  const newline = tail.indexOf(0x0a);
  if (newline !== -1 && newline < LINE_SNAP_BYTES) return newline + 1;
  let start = 0;
  while (start < tail.length && ((tail[start] ?? 0) & 0xc0) === 0x80) start += 1;
  return start;
}

/**
 * Terminal control removed: colour and cursor codes, and progress lines redrawn with a carriage
 * return (only their final state is kept).
 */
export function cleanOutput(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- matching escape sequences is the point
      .replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g, '')
      .replace(/\r\n/g, '\n')
      .split('\n')
      .map((line) => line.slice(line.lastIndexOf('\r') + 1))
      .join('\n')
  );
}
