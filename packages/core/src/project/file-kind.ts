import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** How much of a file is inspected for NUL bytes (git looks at the same amount). */
export const BINARY_SNIFF_BYTES = 8192;

/** Whether content looks binary: a NUL byte in its first {@link BINARY_SNIFF_BYTES} bytes. */
export function isBinaryContent(content: Uint8Array): boolean {
  const end = Math.min(content.length, BINARY_SNIFF_BYTES);
  for (let index = 0; index < end; index += 1) {
    if (content[index] === 0) return true;
  }
  return false;
}

export type TextFileRead =
  | { kind: 'text'; content: string; bytes: Buffer; size: number }
  | { kind: 'binary'; size: number }
  | { kind: 'too-large'; size: number }
  | { kind: 'directory' }
  /** A device, socket or named pipe: nothing to read as a file. */
  | { kind: 'special' };

/**
 * Reads a file as UTF-8 text unless it is a directory or special file, larger than `maxBytes` (checked before
 * reading, so a huge file costs one stat) or binary. Filesystem errors (`ENOENT`, …) reject.
 */
export async function readTextFile(
  absolutePath: string,
  options: { maxBytes: number },
): Promise<TextFileRead> {
  // Non-blocking, so opening a named pipe returns at once instead of waiting for a writer.
  const handle = await open(absolutePath, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) return { kind: 'directory' };
    if (!stats.isFile()) return { kind: 'special' };
    if (stats.size > options.maxBytes) return { kind: 'too-large', size: stats.size };
    const bytes = await handle.readFile();
    if (bytes.length > options.maxBytes) return { kind: 'too-large', size: bytes.length };
    if (isBinaryContent(bytes)) return { kind: 'binary', size: bytes.length };
    return { kind: 'text', content: bytes.toString('utf8'), bytes, size: bytes.length };
  } finally {
    await handle.close();
  }
}

/** A size for people and models: `812 B`, `14.2 KB`, `3.1 MB`. */
export function formatByteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
