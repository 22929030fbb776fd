import { z } from 'zod';

/**
 * A hybrid logical clock timestamp on disk and on the wire: 12 hex digits of wall-clock
 * milliseconds, a dash, 4 hex digits of logical counter. Fixed width, so string order is time
 * order (reference/sync-notes.md §4.2).
 */
export const HlcTimestamp = z
  .string()
  .regex(
    /^[0-9a-f]{12}-[0-9a-f]{4}$/,
    'expected a hybrid logical clock timestamp like 0195f2a3b4c5-0000',
  );
export type HlcTimestamp = z.infer<typeof HlcTimestamp>;
