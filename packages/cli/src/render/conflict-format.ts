import type { FieldConflict } from '@outpost/core';
import { formatDateTime } from './session-format.js';
import type { Style } from './style.js';

/**
 * The conflicted fields of a memory record or a task, as `show` prints them: each field, then
 * each value written concurrently, numbered as `pick` takes them, with who wrote it and when.
 *
 *   conflicted: title (keep one: outpost memory pick 01a2108c title N)
 *     1  "Use pnpm, never npm"  (current)  device 01a210af-ed65-…  2026-11-25 03:11:36
 *     2  "Use pnpm 9"                      device 01a210af-eadd-…  2026-11-25 03:11:35
 */
export function formatConflicts(
  conflicts: readonly FieldConflict[],
  options: { pickCommand: string; style: Style },
): string[] {
  const { style } = options;
  return conflicts.flatMap((conflict) => {
    const values = conflict.alternatives.map((each) => JSON.stringify(each.value));
    const width = Math.max(...values.map((value) => value.length));
    return [
      style.yellow(
        `conflicted: ${conflict.field} (keep one: ${options.pickCommand} ${conflict.field} N)`,
      ),
      ...conflict.alternatives.map((each, index) =>
        [
          `  ${String(each.choice).padStart(2)}`,
          (values[index] ?? '').padEnd(width),
          each.current ? '(current)' : '         ',
          `device ${each.device}`,
          formatDateTime(each.time, true),
        ].join('  '),
      ),
    ];
  });
}
