import type { SessionEvent, VerificationEvent } from '@outpost/protocol';
import type { ApprovalPolicy } from '../config/outpost-config.js';
import { runShellCommand, type ShellCommandResult } from '../tool/shell-command.js';
import { readTextAsset } from '../tool/text-asset.js';
import { summarizeFailure } from '../verify/failure-summary.js';
import type { VerificationCommand } from '../verify/verification-command.js';
import { decideApproval, type ApprovalPrompt } from './approval-policy.js';

/** Runs a verification command; `runShellCommand` unless a test injects another. */
export type RunVerificationCommand = (options: {
  command: string;
  cwd: string;
  timeoutMs: number;
  signal: AbortSignal;
}) => Promise<ShellCommandResult>;

/** How the agent checks changes before it accepts an answer (`AgentOptions.verification`). */
export interface VerificationSettings {
  /** In order: type-check, lint, test; the first that fails ends the check. */
  commands: readonly VerificationCommand[];
  /** Failed checks fed back to the model per user message before the run stops (default 2). */
  rounds: number;
  timeoutMs: number;
  run?: RunVerificationCommand;
}

/** Shells answer 126 (not executable) and 127 (not found) for a command they cannot run. */
const CANNOT_RUN_EXIT_CODES = new Set([126, 127]);
/** pytest's exit code when it collected no tests: there is nothing to check, nothing to fix. */
const PYTEST_NO_TESTS = 5;
/** A test runner that is not installed says so in its own words (`python3 -m pytest`). */
const RUNNER_MISSING = /^(\/\S+: )?No module named (pytest|unittest)\b/m;

const feedbackTemplate = readTextAsset(new URL('./verification-failed.md', import.meta.url));

/**
 * True when the session changed a file after its last check (or has never been checked), so the
 * model's answer should be verified before it is accepted.
 */
export function hasUncheckedChanges(history: readonly SessionEvent[]): boolean {
  for (let index = history.length - 1; index >= 0; index -= 1) {
    const type = history[index]?.data.type;
    if (type === 'verification') return false;
    if (type === 'file-change') return true;
  }
  return false;
}

/** Failed checks fed back since the session's last user message or handoff (a plan's subtask). */
function failedChecksSinceUserMessage(history: readonly SessionEvent[]): number {
  let failed = 0;
  for (let index = history.length - 1; index >= 0; index -= 1) {
    const data = history[index]?.data;
    if (data === undefined || data.type === 'user-message' || data.type === 'handoff') break;
    if (data.type === 'verification' && data.feedback !== undefined) failed += 1;
  }
  return failed;
}

/**
 * The model's own run of `command` after the session's last file change, if it made one: that
 * result is as good as a new run, and reusing it saves the time of the suite.
 */
function runAfterLastChange(
  history: readonly SessionEvent[],
  command: string,
): SessionEvent | undefined {
  for (let index = history.length - 1; index >= 0; index -= 1) {
    const event = history[index];
    if (event === undefined || event.data.type === 'file-change') return undefined;
    if (event.data.type === 'command-run' && event.data.command.trim() === command.trim()) {
      return event;
    }
  }
  return undefined;
}

export interface VerifyChangesOptions {
  settings: VerificationSettings;
  history: readonly SessionEvent[];
  projectRoot: string;
  step: number;
  signal: AbortSignal;
  approval: { policy: ApprovalPolicy; prompt: ApprovalPrompt };
  /** Called before a command runs (for the renderer's spinner). */
  onStart?: (command: VerificationCommand) => void;
}

export interface VerificationOutcome {
  /** What to record: one event per command checked. */
  events: VerificationEvent[];
  /** The last event failed: its feedback goes to the model; `exhausted` when no round is left. */
  failure?: { feedback: string; command: string; exhausted: boolean };
}

/**
 * Checks the session's changes with the configured or detected commands, in order, stopping at
 * the first failure. A failure's summary becomes the model's next user turn; after `rounds`
 * failures for one user message the outcome says `exhausted`, and the loop stops the run. A
 * command the policy or the user refuses, or that the shell cannot find, is recorded and not fed
 * back: there is nothing the model could fix.
 */
export async function verifyChanges(options: VerifyChangesOptions): Promise<VerificationOutcome> {
  const { settings, history, step, signal } = options;
  const run = settings.run ?? runShellCommand;
  const round = failedChecksSinceUserMessage(history) + 1;
  const events: VerificationEvent[] = [];
  for (const check of settings.commands) {
    const base = {
      type: 'verification' as const,
      step,
      kind: check.kind,
      command: check.command,
      source: check.source,
      round,
      rounds: settings.rounds,
    };
    const previous = runAfterLastChange(history, check.command);
    let result: Pick<ShellCommandResult, 'exitCode' | 'durationMs' | 'outputExcerpt'> & {
      timedOut: boolean;
      cannotStart: boolean;
    };
    if (previous?.data.type === 'command-run') {
      const data = previous.data;
      result = {
        exitCode: data.exitCode,
        durationMs: data.durationMs,
        outputExcerpt: data.outputExcerpt,
        timedOut: data.timedOut,
        cannotStart: false,
      };
    } else {
      if (!(await approved(options, check))) {
        events.push({
          ...base,
          outcome: 'not-approved',
          reused: false,
          exitCode: null,
          timedOut: false,
          durationMs: 0,
          summary: '',
        });
        return { events };
      }
      options.onStart?.(check);
      const ran = await run({
        command: check.command,
        cwd: options.projectRoot,
        timeoutMs: settings.timeoutMs,
        signal,
      });
      result = {
        exitCode: ran.exitCode,
        durationMs: ran.durationMs,
        outputExcerpt: ran.outputExcerpt,
        timedOut: ran.stoppedBy === 'timeout',
        cannotStart:
          ran.spawnError !== null ||
          (ran.exitCode !== null && CANNOT_RUN_EXIT_CODES.has(ran.exitCode)) ||
          (ran.exitCode !== 0 && RUNNER_MISSING.test(ran.outputExcerpt)) ||
          (ran.exitCode === PYTEST_NO_TESTS && /\bpytest\b/.test(check.command)),
      };
      if (ran.stoppedBy === 'cancel') return { events };
    }
    const reused = previous !== undefined;
    const common = {
      ...base,
      reused,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      durationMs: result.durationMs,
    };
    if (result.cannotStart) {
      events.push({
        ...common,
        outcome: 'unavailable',
        summary: summarizeFailure(result.outputExcerpt),
      });
      return { events };
    }
    if (result.exitCode === 0 && !result.timedOut) {
      events.push({ ...common, outcome: 'passed', summary: '' });
      continue;
    }
    const summary = summarizeFailure(result.outputExcerpt);
    const status = result.timedOut
      ? `timed out after ${Math.round(settings.timeoutMs / 1000)} s`
      : result.exitCode === null
        ? 'killed by a signal'
        : `exit code ${result.exitCode}`;
    const feedback = feedbackTemplate
      .replace('{command}', check.command)
      .replace('{status}', status)
      .replace('{round}', String(round))
      .replace('{rounds}', String(settings.rounds))
      .replace('{summary}', summary)
      .trim();
    events.push({ ...common, outcome: 'failed', summary, feedback });
    return {
      events,
      failure: { feedback, command: check.command, exhausted: round >= settings.rounds },
    };
  }
  return { events };
}

async function approved(
  options: VerifyChangesOptions,
  check: VerificationCommand,
): Promise<boolean> {
  const decision = decideApproval(options.approval.policy, 'command');
  if (decision === 'deny') return false;
  if (decision === 'allow') return true;
  const answer = await options.approval.prompt({
    toolName: 'verify',
    access: 'command',
    description: `${check.command} (Outpost checks the changes)`,
    input: { command: check.command },
  });
  return answer.approved;
}
