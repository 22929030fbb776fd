import type { MemoryRecord } from './memory-types.js';

/**
 * One record on one line, as recall and the per-turn context show it:
 * `[fix 0193ab12] Title: body… (calc.py)`, the body cut to `bodyCharacters` (0: title only)
 * and at most three paths.
 */
export function memoryLine(record: MemoryRecord, id: string, bodyCharacters: number): string {
  const body = record.body.replace(/\s+/g, ' ').trim();
  const cut =
    body.length > bodyCharacters
      ? `${body.slice(0, Math.max(0, bodyCharacters - 1)).trimEnd()}…`
      : body;
  const paths =
    record.paths.length === 0
      ? ''
      : ` (${record.paths.slice(0, 3).join(', ')}${record.paths.length > 3 ? ', …' : ''})`;
  const text = bodyCharacters <= 0 ? '' : `: ${cut}`;
  return `[${record.kind} ${id}] ${record.title}${text}${paths}`;
}
