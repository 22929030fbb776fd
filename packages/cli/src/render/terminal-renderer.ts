import type { AgentEvent } from '@outpost/core';
import type { CheckpointEvent, PlanEvent, VerificationEvent } from '@outpost/protocol';
import { planLines, subtaskLine } from './plan-format.js';
import { routeLine } from './route-line.js';
import type { Spinner } from './spinner.js';
import type { Style } from './style.js';

export interface TerminalRendererOptions {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  style: Style;
  spinner: Spinner;
  /** Print the one-line summary when a run ends. */
  showSummary: boolean;
  /** Redraw a progress line (code indexing) in place: stderr is a terminal. */
  liveProgress?: boolean;
}

/** Builds at least this long are reported when they finish (shorter ones are not worth a line). */
const SLOW_INDEX_MS = 1000;

/**
 * Renders agent events for a person: the answer streams to stdout, tool activity and the
 * summary go to stderr (so `outpost run … > answer.txt` keeps only the answer).
 */
export function createTerminalRenderer(
  options: TerminalRendererOptions,
): (event: AgentEvent) => void {
  const { stdout, stderr, style, spinner, showSummary } = options;
  let textOpen = false;
  /** A code-indexing progress line is drawn and must be cleared before anything else. */
  let progressOpen = false;
  const clearProgress = () => {
    if (progressOpen) stderr.write('\r\u001b[2K');
    progressOpen = false;
  };
  /** Set by a resumed run until its first model call is reported. */
  let resumedRun = false;
  /** The plan being followed, a subtask of it finished in this run, and the step's answer so far. */
  let plan: PlanEvent | undefined;
  let subtaskFinished = false;
  let answer = '';

  const endText = () => {
    if (textOpen) stdout.write('\n');
    textOpen = false;
  };

  return (event) => {
    const progressWasOpen = progressOpen;
    if (event.type !== 'index.build-progressed') clearProgress();
    switch (event.type) {
      case 'run.started':
        resumedRun = event.resumed;
        break;
      case 'session.event-recorded': {
        const { data } = event.event;
        if (data.type === 'reflection') spinner.stop();
        if (data.type === 'checkpoint' && data.reason === 'before-write') {
          spinner.stop();
          endText();
          stderr.write(`${checkpointLine(data, event.event.sessionId, style)}\n`);
          break;
        }
        if (data.type === 'verification') {
          spinner.stop();
          endText();
          stderr.write(`${verificationLine(data, style)}\n`);
          break;
        }
        if (data.type === 'route') {
          spinner.stop();
          endText();
          stderr.write(`${routeLine(data, style)}\n`);
          break;
        }
        if (data.type === 'plan' || data.type === 'plan-updated') {
          spinner.stop();
          endText();
          if (data.type === 'plan' && data.subtasks.length > 0) plan = data;
          if (data.type === 'plan-updated') subtaskFinished ||= data.status === 'done';
          const lines =
            data.type === 'plan' ? planLines(data, style) : [subtaskLine(data, plan, style)];
          stderr.write(`${lines.join('\n')}\n`);
          break;
        }
        if (!resumedRun || data.type !== 'model-call') break;
        resumedRun = false;
        const note = resumeNote(data.inputTokens, data.evaluatedInputTokens);
        if (note !== undefined) {
          spinner.stop();
          endText();
          stderr.write(`${style.dim(note)}\n`);
        }
        break;
      }
      case 'step.started':
        answer = '';
        spinner.start('waiting for the model');
        break;
      case 'plan.started':
        spinner.start('making a plan');
        break;
      case 'verification.started':
        spinner.stop();
        endText();
        stderr.write(`${style.cyan('→')} checking the changes: ${event.command}\n`);
        spinner.start('checking');
        break;
      case 'guard.intervened':
        // A stop is said by the run's last line (`stuck: …`).
        if (event.intervention.action === 'stop') break;
        spinner.stop();
        endText();
        stderr.write(`  ${style.yellow(`! ${event.intervention.summary}`)}\n`);
        break;
      case 'reflection.started':
        endText();
        spinner.start('asking what to remember');
        break;
      case 'assistant.text-streamed':
        spinner.stop();
        answer += event.text;
        stdout.write(event.text);
        textOpen = !event.text.endsWith('\n');
        break;
      case 'assistant.reasoning-streamed':
        spinner.start('thinking');
        break;
      case 'tool.call-started':
        spinner.stop();
        endText();
        stderr.write(`${style.cyan('→')} ${event.description}\n`);
        break;
      case 'tool.call-finished': {
        const mark = event.ok ? style.green('✓') : style.red('✗');
        const detail = event.ok ? event.summary : `${event.errorKind ?? 'error'}: ${event.summary}`;
        stderr.write(`  ${mark} ${style.dim(firstLine(detail, 160))}\n`);
        break;
      }
      case 'index.build-progressed':
        if (options.liveProgress !== true) break;
        spinner.stop();
        endText();
        stderr.write(
          `\r\u001b[2K${style.dim(`Indexing the project… ${event.total > 0 ? `${event.done}/${event.total} files` : ''}`)}`,
        );
        progressOpen = true;
        break;
      case 'index.updated': {
        if (!progressWasOpen && event.durationMs < SLOW_INDEX_MS) break;
        const seconds = (event.durationMs / 1000).toFixed(1);
        stderr.write(
          style.dim(
            `Indexed the project: ${event.files} files (${event.indexed} read now, ${event.unchanged} unchanged, ${event.removed} removed) in ${seconds} s.\n`,
          ),
        );
        break;
      }
      case 'index.failed':
      case 'index.warning':
        spinner.stop();
        endText();
        stderr.write(`${style.yellow(event.message)}\n`);
        break;
      case 'run.finished': {
        spinner.stop();
        endText();
        // A finished plan's summary is the final answer; the last subtask's answer was streamed.
        if (event.outcome === 'completed' && subtaskFinished && event.finalText !== answer) {
          stdout.write(`${event.finalText}\n`);
        }
        if (!showSummary) break;
        const { totals } = event;
        const facts = [
          `${totals.steps} step${totals.steps === 1 ? '' : 's'}`,
          `${totals.inputTokens.toLocaleString('en-US')} tokens in, ${totals.outputTokens.toLocaleString('en-US')} out`,
          `session ${event.sessionId.slice(0, 8)}`,
        ].join(' · ');
        if (event.outcome === 'completed') {
          stderr.write(style.dim(`${style.green('✓')} done · ${facts}\n`));
        } else {
          const message = event.error?.message ?? event.outcome;
          stderr.write(`${style.red('✗')} ${outcomeLabel(event.outcome)}: ${message}\n`);
          stderr.write(style.dim(`  ${facts}\n`));
        }
        break;
      }
      default:
        break;
    }
  };
}

/** One line for a check of the model's changes. */
function verificationLine(data: VerificationEvent, style: Style): string {
  const took = data.reused ? 'the model’s own run' : `${(data.durationMs / 1000).toFixed(1)} s`;
  switch (data.outcome) {
    case 'passed':
      return `  ${style.green('✓')} ${style.dim(`${data.command} passed (${took})`)}`;
    case 'failed': {
      const status = data.timedOut ? 'timed out' : `exit ${data.exitCode ?? 'by a signal'}`;
      return `  ${style.red('✗')} ${data.command} failed (${status}, ${took}) · sent back to the model, check ${data.round} of ${data.rounds}`;
    }
    case 'unavailable':
      return `  ${style.yellow(`${data.command} could not run (exit ${data.exitCode ?? '?'}); the changes are not checked. Set "verify": { "test": "…" } in the config file.`)}`;
    case 'not-approved':
      return `  ${style.dim(`${data.command} was not run (not approved); the changes are not checked`)}`;
  }
}

/** The session's checkpoint was taken (or could not be): how to undo, or why one cannot. */
function checkpointLine(data: CheckpointEvent, sessionId: string, style: Style): string {
  if (data.commit === null) {
    return style.yellow(
      `Could not save a checkpoint, so outpost undo cannot restore this session: ${data.error ?? 'unknown error'}`,
    );
  }
  return style.dim(
    `Checkpoint saved before the first change: outpost undo ${sessionId.slice(0, 8)} puts the files back to this point.`,
  );
}

function outcomeLabel(outcome: string): string {
  switch (outcome) {
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    case 'step-limit':
      return 'stopped at the step limit';
    case 'stuck':
      return 'stuck';
    default:
      return outcome;
  }
}

function firstLine(text: string, width: number): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/**
 * What resuming cost a runtime that reports evaluated tokens (the in-process model): it either
 * reused the model state it still held, or re-read the whole session once.
 */
export function resumeNote(
  inputTokens: number | null,
  evaluated: number | undefined,
): string | undefined {
  if (inputTokens === null || evaluated === undefined || inputTokens === 0) return undefined;
  const counts = `${evaluated.toLocaleString('en-US')} of ${inputTokens.toLocaleString('en-US')} prompt tokens`;
  return evaluated >= inputTokens * 0.9
    ? `Resumed by re-reading the session once (${counts}): the model state is not kept between runs; the next steps reuse it.`
    : `Resumed from the model's cached state (${counts} evaluated).`;
}
