import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpawnProcess } from '../tool/tool.js';
import { CheckpointError } from './checkpoint-error.js';
import { createGitProcess } from './git-process.js';
import type { GitProcess } from './git-process.js';

/** `project`: the project's own git repository; `outpost`: a private one under OUTPOST_HOME. */
export type CheckpointRepositoryKind = 'project' | 'outpost';

/** Where a project's checkpoints are kept, and git set up to work there. */
export interface CheckpointRepository {
  kind: CheckpointRepositoryKind;
  projectRoot: string;
  git: GitProcess;
  /** The private repository's git dir (`outpost` only). */
  gitDir?: string;
  /** Words for messages: "the project's git repository" or the private one's path. */
  description: string;
}

export interface LocateRepositoryOptions {
  projectRoot: string;
  /** Outpost's data directory; private repositories live in its `checkpoints/`. */
  dataDirectory: string;
  env: NodeJS.ProcessEnv;
  /** Where a recorded checkpoint says it is; without it, found from the project. */
  kind?: CheckpointRepositoryKind;
  spawn?: SpawnProcess;
}

/** Always left out of a private repository's snapshots, as file listing leaves it out. */
const PRIVATE_EXCLUDES = '# Outpost: never snapshot these outside git\nnode_modules/\n';

/**
 * A project whose root is the top of a git work tree keeps its checkpoints in that repository
 * (objects and `refs/outpost/…` only: never its index, HEAD or branches). Any other directory,
 * a subdirectory of a repository included, gets a private bare repository under
 * `<data>/checkpoints/`, named after a hash of the project root, with the project as work tree.
 */
export async function locateCheckpointRepository(
  options: LocateRepositoryOptions,
): Promise<CheckpointRepository> {
  const { projectRoot, env } = options;
  const plain = createGitProcess({ cwd: projectRoot, env, ...spawnOf(options) });
  const kind =
    options.kind ?? ((await isRepositoryTop(plain, projectRoot)) ? 'project' : 'outpost');
  if (kind === 'project') {
    return { kind, projectRoot, git: plain, description: "the project's git repository" };
  }
  const gitDir = privateGitDir(options.dataDirectory, projectRoot);
  if (!existsSync(join(gitDir, 'HEAD'))) {
    mkdirSync(join(options.dataDirectory, 'checkpoints'), { recursive: true });
    await plain.run(['init', '--bare', '--quiet', gitDir]);
    mkdirSync(join(gitDir, 'info'), { recursive: true });
    writeFileSync(join(gitDir, 'info', 'exclude'), PRIVATE_EXCLUDES);
    writeFileSync(join(gitDir, 'outpost-project'), `${projectRoot}\n`);
  }
  return {
    kind,
    projectRoot,
    gitDir,
    git: createGitProcess({ cwd: projectRoot, env, gitDir, ...spawnOf(options) }),
    description: `Outpost's private repository for this project (${gitDir})`,
  };
}

/** `<data>/checkpoints/<first 16 hex of sha256(project root)>.git`. */
export function privateGitDir(dataDirectory: string, projectRoot: string): string {
  const name = createHash('sha256').update(projectRoot).digest('hex').slice(0, 16);
  return join(dataDirectory, 'checkpoints', `${name}.git`);
}

async function isRepositoryTop(git: GitProcess, projectRoot: string): Promise<boolean> {
  let top: string;
  try {
    top = (await git.run(['rev-parse', '--show-toplevel'])).toString('utf8').trim();
  } catch (error) {
    if (CheckpointError.isInstance(error) && /not a git repository/i.test(error.message)) {
      return false;
    }
    throw error;
  }
  if (top === '') return false;
  try {
    return realpathSync(top) === realpathSync(projectRoot);
  } catch {
    // A top git cannot resolve is not the project's root: use a private repository.
    return false;
  }
}

function spawnOf(options: { spawn?: SpawnProcess }): { spawn?: SpawnProcess } {
  return options.spawn === undefined ? {} : { spawn: options.spawn };
}
