import { spawn as nodeSpawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { SpawnProcess } from '../tool/tool.js';
import { CheckpointError } from './checkpoint-error.js';

/** How git is run for checkpoints: in one repository, with an environment Outpost controls. */
export interface GitProcess {
  /**
   * Runs `git args…` and resolves with its standard output; a failure rejects with a
   * `CheckpointError` carrying git's own message. `env` adds variables (GIT_INDEX_FILE).
   */
  run(
    args: readonly string[],
    options?: { input?: string | Buffer; env?: Record<string, string> },
  ): Promise<Buffer>;
  /** Starts a long-running git (`cat-file --batch`); the caller ends its input. */
  start(args: readonly string[]): ChildProcessWithoutNullStreams;
}

/**
 * Variables that would point git at another repository, index or object store than the one
 * meant (set, for instance, when Outpost runs from inside a git hook).
 */
const LOCATION_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
];

/** Who checkpoint commits are by: fixed, so no user identity needs to be configured. */
const IDENTITY = {
  GIT_AUTHOR_NAME: 'Outpost',
  GIT_AUTHOR_EMAIL: 'outpost@localhost',
  GIT_COMMITTER_NAME: 'Outpost',
  GIT_COMMITTER_EMAIL: 'outpost@localhost',
};

export interface GitProcessOptions {
  /** Where git runs: the project root. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** A private repository (a project outside git): its git dir, with `cwd` as the work tree. */
  gitDir?: string;
  spawn?: SpawnProcess;
}

export function createGitProcess(options: GitProcessOptions): GitProcess {
  const spawn = options.spawn ?? nodeSpawn;
  const base: NodeJS.ProcessEnv = { ...options.env };
  for (const name of LOCATION_VARIABLES) delete base[name];
  Object.assign(base, IDENTITY, {
    // Never a terminal prompt (credentials, editors), never an optional lock on the user's index,
    // paths are paths, not globs, and messages are git's English ones (they are matched on).
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_LITERAL_PATHSPECS: '1',
    ...(options.gitDir === undefined
      ? {}
      : { GIT_DIR: options.gitDir, GIT_WORK_TREE: options.cwd }),
  });

  const launch = (args: readonly string[], env: Record<string, string> = {}) =>
    spawn('git', [...args], { cwd: options.cwd, env: { ...base, ...env }, stdio: 'pipe' });

  return {
    run(args, runOptions = {}) {
      return new Promise((resolve, reject) => {
        const child = launch(args, runOptions.env);
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
        child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
        child.on('error', (error: NodeJS.ErrnoException) => reject(gitError(args, error)));
        child.on('close', (code) => {
          if (code === 0) resolve(Buffer.concat(out));
          else {
            const message = Buffer.concat(err).toString('utf8').trim() || `exit code ${code}`;
            reject(new CheckpointError(`git ${args[0] ?? ''} failed: ${message}`));
          }
        });
        // A git that exits before reading all its input closes the pipe; its exit code says why.
        child.stdin.on('error', () => undefined);
        child.stdin.end(runOptions.input ?? '');
      });
    },
    start(args) {
      const child = launch(args);
      return child;
    },
  };
}

function gitError(args: readonly string[], error: NodeJS.ErrnoException): CheckpointError {
  if (error.code === 'ENOENT') {
    return new CheckpointError(
      'git was not found on PATH; checkpoints and outpost undo need it (install git).',
      { cause: error },
    );
  }
  return new CheckpointError(`git ${args[0] ?? ''} could not start: ${error.message}`, {
    cause: error,
  });
}
