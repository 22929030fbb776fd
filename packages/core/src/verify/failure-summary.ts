/** The most a summary keeps: a small model reads it whole, next to everything else. */
const MAX_SUMMARY_CHARS = 1_500;
const MAX_SUMMARY_LINES = 30;
const MAX_LINE_CHARS = 200;
/** Lines kept from the end when no line looks like a failure. */
const TAIL_LINES = 15;

// eslint-disable-next-line no-control-regex -- terminal escape sequences are control characters
const ANSI_ESCAPE = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/**
 * Lines that say what failed, across common runners: pytest (`FAILED`, `E   assert …`), Jest and
 * Vitest (`FAIL`, `×`, `Expected`/`Received`), Go (`--- FAIL`, `x_test.go:12:`), Rust (`panicked
 * at`, `error[E0308]`), tsc (`error TS2322`), ESLint (`3:7  error`), Python tracebacks, and any
 * line saying error or failed.
 */
const FAILURE_LINE = new RegExp(
  [
    String.raw`^\s*(FAILED|FAIL|ERROR)\b`,
    String.raw`^E\s{2,}`,
    String.raw`^\s*[×✗✕]\s`,
    String.raw`^\s*(Expected|Received)\b`,
    String.raw`^\s*--- FAIL`,
    String.raw`_test\.go:\d+:`,
    String.raw`panicked at`,
    String.raw`error(\[E\d+\]| TS\d+)`,
    String.raw`^\s*\d+:\d+\s+error\s`,
    String.raw`^Traceback \(most recent call last\)`,
    String.raw`^\w*(Error|Exception):`,
    String.raw`\b(AssertionError|assertion failed)\b`,
    String.raw`\b\d+ (failed|errors?|failing)\b`,
    String.raw`\b(error|failed)\b`,
  ].join('|'),
  'i',
);
/** A line that continues the one before it (indented detail, a `>` source line, a caret). */
const CONTINUATION = /^(\s{2,}\S|>|\s*\^)/;

/**
 * A compact account of why a verification command failed, for the model: the lines that name
 * failures and errors (each with the indented line after it), then the command's last line (the
 * runner's totals), cut to about 1,500 characters. When no line looks like a failure, the last
 * lines of the output. Terminal colours are removed.
 */
export function summarizeFailure(output: string): string {
  const lines = output
    .replace(ANSI_ESCAPE, '')
    .split(/\r?\n/)
    .map((line) => (line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line));
  while (lines.length > 0 && lines.at(-1)?.trim() === '') lines.pop();
  if (lines.length === 0) return '(no output)';

  const picked = new Set<number>();
  lines.forEach((line, index) => {
    if (!FAILURE_LINE.test(line)) return;
    picked.add(index);
    const next = lines[index + 1];
    if (next !== undefined && CONTINUATION.test(next) && !FAILURE_LINE.test(next)) {
      picked.add(index + 1);
    }
  });
  const indexes =
    picked.size === 0
      ? range(Math.max(0, lines.length - TAIL_LINES), lines.length)
      : [...picked].sort((left, right) => left - right);
  const lastLine = lines.length - 1;
  // The totals line ("1 failed, 3 passed") is last; keep it even when the list is cut.
  const body = indexes.filter((index) => index !== lastLine);
  const kept: string[] = [];
  let chars = lines[lastLine]?.length ?? 0;
  let skipped = 0;
  let previous = -2;
  for (const index of body) {
    const line = lines[index] ?? '';
    if (kept.length >= MAX_SUMMARY_LINES - 1 || chars + line.length + 1 > MAX_SUMMARY_CHARS) {
      skipped += 1;
      continue;
    }
    if (previous >= 0 && index > previous + 1 && kept.at(-1) !== '…') kept.push('…');
    kept.push(line);
    chars += line.length + 1;
    previous = index;
  }
  if (skipped > 0) kept.push(`… (${skipped} more matching lines)`);
  else if (previous >= 0 && lastLine > previous + 1) kept.push('…');
  kept.push(lines[lastLine] ?? '');
  return kept.join('\n');
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, offset) => start + offset);
}
