import type { MemoryStore } from './memory-types.js';

/**
 * The shortest prefix of `id`, at least `minimum` characters, that the store resolves to this
 * record alone: what Outpost shows a model or a person to name a record (`memory accept 0193…`).
 * Records made in the same second share their first characters (UUIDv7 starts with the time),
 * so a fixed length would not do.
 */
export function shortMemoryId(
  memory: Pick<MemoryStore, 'resolveId'>,
  id: string,
  minimum = 8,
): string {
  for (let length = Math.min(minimum, id.length); length < id.length; length++) {
    const prefix = id.slice(0, length);
    if (prefix.endsWith('-')) continue;
    try {
      if (memory.resolveId(prefix) === id) return prefix;
    } catch {
      // Ambiguous at this length: try a longer prefix.
    }
  }
  return id;
}
