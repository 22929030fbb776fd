import type { CommandRunEvent } from '@outpost/protocol';
import { z } from 'zod';
import { DEFAULT_KILL_GRACE_MS, runShellCommand } from './shell-command.js';
import { readTextAsset } from './text-asset.js';
import { defineTool, toolError, type SpawnProcess, type Tool, type ToolResult } from './tool.js';

export const RUN_COMMAND_DEFAULT_TIMEOUT_MS = 300_000;
export const RUN_COMMAND_MAX_TIMEOUT_SECONDS = 1800;
/** `describeCall` shows at most this much of the command. */
const MAX_DESCRIBED_LENGTH = 120;

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
      const ending = await runShellCommand({
        command: input.command,
        cwd: context.projectRoot,
        timeoutMs,
        signal: context.signal,
        ...(options.spawn === undefined ? {} : { spawn: options.spawn }),
        killGraceMs,
      });
      const { outputExcerpt } = ending;
      const effect: Omit<CommandRunEvent, 'toolCallId'> = {
        type: 'command-run',
        command: input.command,
        exitCode: ending.exitCode,
        signal: ending.signal,
        timedOut: ending.stoppedBy === 'timeout',
        durationMs: ending.durationMs,
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
