import { randomBytes } from 'node:crypto';
import { mkdir, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Writes a file so that readers see the old content or the new, never half of it: the data goes
 * to a temporary file in the same directory, is flushed, then renamed over the target. An
 * existing file keeps its permission bits; a symlink is written through (its target changes, the
 * link stays). Parent directories are created when `createParents` is set.
 */
export async function writeFileAtomic(
  absolutePath: string,
  content: string | Uint8Array,
  options: { createParents?: boolean } = {},
): Promise<void> {
  const target = await resolveWriteTarget(absolutePath);
  const directory = path.dirname(target);
  if (options.createParents === true) await mkdir(directory, { recursive: true });
  const existingMode = await modeOf(target);
  const temporary = path.join(
    directory,
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.outpost-tmp`,
  );
  const handle = await open(temporary, 'wx', existingMode ?? 0o666);
  try {
    try {
      await handle.writeFile(content);
      // The umask narrowed the mode given to open; set the old mode exactly.
      if (existingMode !== null) await handle.chmod(existingMode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => {
      // The temporary file is already gone (or was never fully created); the original error matters.
    });
    throw error;
  }
}

/** The file a write to `absolutePath` should replace: the target of a symlink, else the path. */
async function resolveWriteTarget(absolutePath: string): Promise<string> {
  try {
    return await realpath(absolutePath);
  } catch {
    // Nothing there yet (or a dangling link, which the caller has already confined): create it.
    return absolutePath;
  }
}

async function modeOf(absolutePath: string): Promise<number | null> {
  try {
    return (await stat(absolutePath)).mode & 0o7777;
  } catch {
    // A new file: it gets the default mode.
    return null;
  }
}
