import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Where a project's index lives: `<dataDirectory>/index/<sha256 of the real project root, 16
 * hex>.db`. The root's symlinks are resolved first, so two paths to one checkout share an index;
 * a root that does not exist (yet) is hashed as an absolute path.
 */
export function codeIndexPath(dataDirectory: string, projectRoot: string): string {
  let root: string;
  try {
    root = realpathSync(projectRoot);
  } catch {
    // Not there to resolve: its absolute path still names it stably.
    root = path.resolve(projectRoot);
  }
  const digest = createHash('sha256').update(root).digest('hex').slice(0, 16);
  return path.join(dataDirectory, 'index', `${digest}.db`);
}
