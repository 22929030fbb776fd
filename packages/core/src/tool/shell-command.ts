import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { OutputCapture } from './output-capture.js';
import type { SpawnProcess } from './tool.js';

/** Time between SIGTERM and SIGKILL for processes that don't stop when asked. */
export const DEFAULT_KILL_GRACE_MS = 2000;

/**
 * Settings that keep well-known programs from waiting for a person, and Python from writing
 * bytecode caches: Python trusts a `.pyc` whose source has the same size and modification second,
 * so an agent that edits `a * b` into `a + b` and tests again within a second would test the old
 * code.
 */
const COMMAND_ENV = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_PAGER: 'cat',
  PAGER: 'cat',
  PYTHONDONTWRITEBYTECODE: '1',
};

export interface ShellCommandOptions {
  command: string;
  cwd: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Process spawner; node's `spawn` by default. */
  spawn?: SpawnProcess;
  /** Wait between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

/** How a shell command ended, with the head and tail of its combined output. */
export interface ShellCommandResult {
  /** null when the process was killed by a signal or could not start. */
  exitCode: number | null;
  signal: string | null;
  stoppedBy: 'timeout' | 'cancel' | null;
  /** Set when the process could not be started at all. */
  spawnError: Error | null;
  durationMs: number;
  outputExcerpt: string;
}

/**
 * Runs a command through `/bin/sh -c` in `cwd`, with stdin closed and in its own process group,
 * so a timeout, a cancel or the command's end stops every process it started. Never rejects:
 * a command that cannot start comes back with `spawnError`.
 */
export async function runShellCommand(options: ShellCommandOptions): Promise<ShellCommandResult> {
  const spawnProcess = options.spawn ?? nodeSpawn;
  const started = performance.now();
  const capture = new OutputCapture();
  let child: ChildProcess;
  try {
    child = spawnProcess('/bin/sh', ['-c', options.command], {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, ...COMMAND_ENV },
    });
  } catch (error) {
    return {
      exitCode: null,
      signal: null,
      stoppedBy: null,
      spawnError: error instanceof Error ? error : new Error(String(error)),
      durationMs: Math.round(performance.now() - started),
      outputExcerpt: '',
    };
  }
  child.stdout?.on('data', (chunk: Buffer) => capture.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => capture.push(chunk));
  const ending = await waitForEnd(child, {
    timeoutMs: options.timeoutMs,
    killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    signal: options.signal,
  });
  return {
    ...ending,
    durationMs: Math.round(performance.now() - started),
    outputExcerpt: capture.excerpt(),
  };
}

interface Ending {
  exitCode: number | null;
  signal: string | null;
  stoppedBy: 'timeout' | 'cancel' | null;
  spawnError: Error | null;
}

/**
 * Resolves once the command and everything holding its output have ended. When the shell exits,
 * processes it left in its group are stopped too (SIGTERM, then SIGKILL after the grace period),
 * so background jobs can't keep the call open or outlive it.
 */
function waitForEnd(
  child: ChildProcess,
  limits: { timeoutMs: number; killGraceMs: number; signal: AbortSignal },
): Promise<Ending> {
  return new Promise((resolve) => {
    let stoppedBy: Ending['stoppedBy'] = null;
    let spawnError: Error | null = null;
    let settled = false;

    const signalGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // ESRCH: every process in the group has already exited.
      }
    };
    const stopGroup = (): void => {
      signalGroup('SIGTERM');
      // Not cleared on close: a process that closed its output and ignores SIGTERM still dies.
      setTimeout(() => signalGroup('SIGKILL'), limits.killGraceMs).unref();
    };
    const stop = (reason: 'timeout' | 'cancel'): void => {
      if (stoppedBy !== null || settled) return;
      stoppedBy = reason;
      stopGroup();
    };

    const timer = setTimeout(() => stop('timeout'), limits.timeoutMs);
    const onAbort = (): void => stop('cancel');
    limits.signal.addEventListener('abort', onAbort, { once: true });
    const finish = (exitCode: number | null, signal: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      limits.signal.removeEventListener('abort', onAbort);
      resolve({ exitCode, signal, stoppedBy, spawnError });
    };

    child.on('error', (error) => {
      // Emitted when the process could not be spawned (no /bin/sh, a missing cwd); no `close` may follow.
      if (child.pid === undefined) {
        spawnError = error;
        finish(null, null);
      }
    });
    child.on('exit', () => {
      if (stoppedBy === null) stopGroup();
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}
