import type { SessionEvent } from '@outpost/protocol';

/** Most paths of the current work given to a recall. */
const WORK_PATHS = 20;

/**
 * The files of a session's current work, most recent first: those its tool calls named
 * (`path` of read_file, edit_file, list_files…) and those it changed. Absolute paths and the
 * project root itself say nothing about the work and are left out. Memory recall ranks records
 * about these files higher (docs/architecture/memory.md).
 */
export function workPathsOf(events: readonly SessionEvent[], limit = WORK_PATHS): string[] {
  const paths: string[] = [];
  const add = (path: string) => {
    const normalized = path.trim().replace(/^\.\//, '').replace(/\/+$/, '');
    if (normalized === '' || normalized === '.' || normalized.startsWith('/')) return;
    if (!paths.includes(normalized)) paths.push(normalized);
  };
  for (let index = events.length - 1; index >= 0 && paths.length < limit; index--) {
    const data = events[index]?.data;
    if (data?.type === 'file-change') add(data.path);
    else if (data?.type === 'tool-call') {
      const path = pathArgument(data.arguments);
      if (path !== undefined) add(path);
    }
  }
  return paths.slice(0, limit);
}

function pathArgument(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const path = (value as { path?: unknown }).path;
    return typeof path === 'string' ? path : undefined;
  } catch {
    // Arguments that are not JSON were refused when called; they name no file.
    return undefined;
  }
}
