import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import type { CommandRunEvent } from '@outpost/protocol';
import { z } from 'zod';
import { OutputCapture } from './output-capture.js';
import { readTextAsset } from './text-asset.js';
import { defineTool, toolError, type SpawnProcess, type Tool, type ToolResult } from './tool.js';

export const RUN_COMMAND_DEFAULT_TIMEOUT_MS = 300_000;
export const RUN_COMMAND_MAX_TIMEOUT_SECONDS = 1800;
/** Time between SIGTERM and SIGKILL for processes that don't stop when asked. */
const DEFAULT_KILL_GRACE_MS = 2000;
/** `describeCall` shows at most this much of the command. */
const MAX_DESCRIBED_LENGTH = 120;

/** Settings that keep well-known programs from waiting for a person. */
const NON_INTERACTIVE_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', PAGER: 'cat' };

export const RunCommandInput = z.object({
  command: z.string().min(1).describe('Shell command'),
  timeout_seconds: z.coerce
    .number()
    .positive()
    .max(RUN_COMMAND_MAX_TIMEOUT_SECONDS)
    .optional()
    .describe('Stop it after this many seconds'),
});
export type RunCommandInput = z.infer<typeof RunCommandInput>;

export interface RunCommandToolOptions {
  /** Process spawner; node's `spawn` by default. */
  spawn?: SpawnProcess;
  /** Timeout when the model gives none. */
  defaultTimeoutMs?: number;
  /** Wait between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

/**
 * `run_command`: runs a command through `/bin/sh -c` in the project root, with stdin closed and in
 * its own process group, so a timeout, a cancel or the command's end stops every process it
 * started. Shows the exit code and the head and tail of the combined output. A failing command is
 * a successful tool call: the model reads the exit code.
 */
export function createRunCommandTool(options: RunCommandToolOptions = {}): Tool<RunCommandInput> {
  const spawnProcess = options.spawn ?? nodeSpawn;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? RUN_COMMAND_DEFAULT_TIMEOUT_MS;
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const description = readTextAsset(new URL('./run-command.md', import.meta.url)).replace(
    '{default_timeout_seconds}',
    String(defaultTimeoutMs / 1000),
  );

  return defineTool({
    name: 'run_command',
    description,
    access: 'command',
    inputSchema: RunCommandInput,
    describeCall: (input) => {
      const command = input.command.replace(/\s+/g, ' ').trim();
      return command.length > MAX_DESCRIBED_LENGTH
        ? `run_command ${command.slice(0, MAX_DESCRIBED_LENGTH)}…`
        : `run_command ${command}`;
    },
    async execute(input, context) {
      if (context.signal.aborted) return toolError('cancelled', 'The command was cancelled.');
      const timeoutMs =
        input.timeout_seconds === undefined ? defaultTimeoutMs : input.timeout_seconds * 1000;
      const started = performance.now();
      const capture = new OutputCapture();
      let child: ChildProcess;
      try {
        child = spawnProcess('/bin/sh', ['-c', input.command], {
          cwd: context.projectRoot,
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
          env: { ...process.env, ...NON_INTERACTIVE_ENV },
        });
      } catch (error) {
        return couldNotStart(error);
      }
      child.stdout?.on('data', (chunk: Buffer) => capture.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => capture.push(chunk));

      const ending = await waitForEnd(child, { timeoutMs, killGraceMs, signal: context.signal });
      const outputExcerpt = capture.excerpt();
      const effect: Omit<CommandRunEvent, 'toolCallId'> = {
        type: 'command-run',
        command: input.command,
        exitCode: ending.exitCode,
        signal: ending.signal,
        timedOut: ending.stoppedBy === 'timeout',
        durationMs: Math.round(performance.now() - started),
        outputExcerpt,
      };
      if (ending.spawnError !== null) {
        return { ...couldNotStart(ending.spawnError), effects: [effect] };
      }
      if (ending.stoppedBy === 'cancel') {
        return { ...toolError('cancelled', 'The command was cancelled.'), effects: [effect] };
      }
      const status =
        ending.stoppedBy === 'timeout'
          ? `timed out after ${formatSeconds(timeoutMs)}`
          : ending.exitCode !== null
            ? `exit code ${ending.exitCode}`
            : `killed by ${ending.signal ?? 'a signal'}`;
      const shownOutput = outputExcerpt.trimEnd();
      const output = shownOutput === '' ? `${status} (no output)` : `${status}\n${shownOutput}`;
      const summary =
        ending.stoppedBy === 'timeout'
          ? status
          : `${ending.exitCode !== null ? `exit ${ending.exitCode}` : status} in ${formatSeconds(effect.durationMs)}`;
      return { ok: true, output, summary, effects: [effect] };
    },
  });
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

function couldNotStart(error: unknown): ToolResult {
  const reason = error instanceof Error ? error.message : String(error);
  return toolError('io-error', `The command could not be started: ${reason}.`);
}

function formatSeconds(milliseconds: number): string {
  const seconds = milliseconds / 1000;
  return seconds >= 10 || Number.isInteger(seconds)
    ? `${Math.round(seconds)} s`
    : `${seconds.toFixed(1)} s`;
}
