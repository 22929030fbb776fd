import type { SessionSummary } from '@outpost/core';
import type { Session, SessionEvent } from '@outpost/protocol';
import { oneLine } from '../text.js';
import { planLines, subtaskMark } from './plan-format.js';
import { routeDetail } from './route-line.js';
import type { Style } from './style.js';

const pad = (value: number) => String(value).padStart(2, '0');

/** Local date and time, `YYYY-MM-DD HH:MM`. */
export function formatDateTime(time: number, seconds = false): string {
  const date = new Date(time);
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return `${day} ${clock}${seconds ? `:${pad(date.getSeconds())}` : ''}`;
}

function formatClock(time: number): string {
  const date = new Date(time);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function formatDuration(milliseconds: number): string {
  return milliseconds < 1000
    ? `${Math.round(milliseconds)} ms`
    : `${(milliseconds / 1000).toFixed(1)} s`;
}

/** One line per session: id, time, outcome, model, title or first user message. */
export function formatSessionLine(
  session: Pick<SessionSummary, keyof Session | 'firstUserMessage'>,
  style: Style,
): string {
  const title = session.title || session.firstUserMessage || '(no message yet)';
  const status = session.status.padEnd(10);
  const colored =
    session.status === 'completed'
      ? style.green(status)
      : session.status === 'running'
        ? style.yellow(status)
        : style.red(status);
  return [
    style.bold(session.id.slice(0, 8)),
    formatDateTime(session.createdAt),
    colored,
    oneLine(session.model, 28),
    oneLine(title, 72),
  ].join('  ');
}

/** The header and full timeline of one session, as `outpost sessions show` prints it. */
export function formatSessionDetail(
  session: Session,
  events: readonly SessionEvent[],
  style: Style,
): string {
  let inputTokens = 0;
  let outputTokens = 0;
  let modelCalls = 0;
  for (const { data } of events) {
    if (data.type !== 'model-call') continue;
    modelCalls += 1;
    inputTokens += data.inputTokens ?? 0;
    outputTokens += data.outputTokens ?? 0;
  }
  const lines = [
    `${style.bold('Session')}  ${session.id}  (${session.status})`,
    `${style.bold('Title')}    ${oneLine(session.title, 100)}`,
    `${style.bold('Project')}  ${session.projectRoot}`,
    `${style.bold('Model')}    ${session.model} (${session.provider})`,
    `${style.bold('Started')}  ${formatDateTime(session.createdAt, true)} · updated ${formatDateTime(session.updatedAt, true)}`,
    `${style.bold('Tokens')}   ${inputTokens.toLocaleString('en-US')} in · ${outputTokens.toLocaleString('en-US')} out in ${modelCalls} model call${modelCalls === 1 ? '' : 's'}`,
    '',
  ];
  for (const event of events) lines.push(...formatEvent(event, style));
  return lines.join('\n');
}

function formatEvent(event: SessionEvent, style: Style): string[] {
  const { data } = event;
  const at = style.dim(formatClock(event.time));
  const label = (text: string) => style.bold(text.padEnd(10));
  const indent = (text: string) =>
    text
      .split('\n')
      .map((line) => `                     ${line}`)
      .join('\n');
  switch (data.type) {
    case 'user-message':
      return [`${at}  ${label('user')} ${data.text.split('\n').join(`\n${' '.repeat(21)}`)}`];
    case 'assistant-message': {
      if (data.text === '' && !data.partial) return [];
      const suffix = data.partial ? style.yellow(' (cut off)') : '';
      return [
        `${at}  ${label('assistant')} ${data.text
          .trim()
          .split('\n')
          .join(`\n${' '.repeat(21)}`)}${suffix}`,
      ];
    }
    case 'tool-call':
      return [
        `${at}  ${label('tool call')} ${style.cyan(data.toolName)} ${oneLine(data.arguments, 200)}`,
      ];
    case 'tool-result': {
      const mark = data.ok ? style.green('✓') : style.red(`✗ ${data.errorKind ?? 'error'}`);
      return [`${at}  ${label('result')} ${mark} ${oneLine(data.output, 160)}`];
    }
    case 'file-change': {
      const before = data.beforeHash ? data.beforeHash.slice(0, 10) : 'new';
      const after = data.afterHash ? data.afterHash.slice(0, 10) : 'deleted';
      return [
        `${at}  ${label('file')} ${data.path}  ${style.green(`+${data.linesAdded}`)} ${style.red(`-${data.linesRemoved}`)}  ${style.dim(`${before} → ${after}`)}`,
      ];
    }
    case 'command-run': {
      const status = data.timedOut
        ? style.red('timed out')
        : data.exitCode === 0
          ? style.green('exit 0')
          : style.red(
              data.exitCode === null
                ? `killed (${data.signal ?? 'signal'})`
                : `exit ${data.exitCode}`,
            );
      const excerpt = data.outputExcerpt.trim();
      return [
        `${at}  ${label('command')} ${data.command} · ${status} · ${formatDuration(data.durationMs)}`,
        ...(excerpt === '' ? [] : [style.dim(indent(lastLines(excerpt, 6)))]),
      ];
    }
    case 'model-call': {
      const tokens =
        data.inputTokens === null
          ? 'tokens unknown'
          : `${data.inputTokens} → ${data.outputTokens ?? '?'} tokens${data.evaluatedInputTokens === undefined ? '' : ` (${data.evaluatedInputTokens} evaluated)`}`;
      const firstToken =
        data.timeToFirstTokenMs === null
          ? ''
          : ` · first token ${formatDuration(data.timeToFirstTokenMs)}`;
      return [
        style.dim(
          `${formatClock(event.time)}  ${'model'.padEnd(10)} ${data.model} · ${tokens}${firstToken} · ${formatDuration(data.durationMs)} · ${data.finishReason}`,
        ),
      ];
    }
    case 'project-rules':
      if (data.files.length === 0) return [];
      return [
        `${at}  ${label('rules')} ${data.files.map((file) => `${file.path}${file.truncated ? ' (cut)' : ''}`).join(', ')}`,
      ];
    case 'context-compacted':
      return [
        `${at}  ${label('compacted')} ${style.yellow(`${data.tokensBefore} → ${data.tokensAfter} tokens`)} to fit a ${data.contextWindow}-token window (${data.elidedToolCallIds.length} old tool output${data.elidedToolCallIds.length === 1 ? '' : 's'} elided)`,
      ];
    case 'reflection': {
      if (data.error !== undefined) {
        return [`${at}  ${label('reflection')} ${style.yellow('nothing proposed')}: ${data.error}`];
      }
      const proposed = data.proposed.map((record) =>
        indent(`${style.bold(record.kind)} ${record.title}  ${style.dim(record.recordId)}`),
      );
      const dropped = data.dropped.map((item) =>
        style.dim(indent(`dropped: ${oneLine(item.reason, 160)}`)),
      );
      const count = data.proposed.length;
      return [
        `${at}  ${label('reflection')} ${count === 0 ? 'nothing to remember' : `proposed ${count} memory record${count === 1 ? '' : 's'}`}`,
        ...proposed,
        ...dropped,
      ];
    }
    case 'verification': {
      const mark =
        data.outcome === 'passed'
          ? style.green('✓ passed')
          : data.outcome === 'failed'
            ? style.red(`✗ failed (check ${data.round} of ${data.rounds})`)
            : style.yellow(data.outcome);
      const how = data.reused ? 'the model’s own run' : formatDuration(data.durationMs);
      return [
        `${at}  ${label('check')} ${data.command} · ${mark} · ${how}`,
        ...(data.summary === '' ? [] : [style.dim(indent(lastLines(data.summary, 8)))]),
      ];
    }
    case 'loop-guard':
      return [`${at}  ${label('guard')} ${style.yellow(data.action)}: ${data.summary}`];
    case 'plan': {
      const [heading, ...subtasks] = planLines(data, style);
      return [`${at}  ${label('plan')} ${heading ?? ''}`, ...subtasks.map((line) => indent(line))];
    }
    case 'plan-updated': {
      const note = data.note === undefined ? '' : style.dim(` — ${oneLine(data.note, 140)}`);
      return [
        `${at}  ${label('subtask')} ${subtaskMark(data.status, style)} ${data.subtaskId} ${data.status}${note}`,
      ];
    }
    case 'handoff':
      return [
        `${at}  ${label('handoff')} ${data.role} · ${data.reason} ${style.dim(`(brief of ${data.brief.length} characters)`)}`,
      ];
    case 'checkpoint': {
      if (data.commit === null) {
        return [`${at}  ${label('checkpoint')} ${style.yellow('none taken')}: ${data.error ?? ''}`];
      }
      const commit = style.dim(data.commit.slice(0, 10));
      if (data.restored === undefined) {
        return [
          `${at}  ${label('checkpoint')} the working tree before the first change (${data.files} files) ${commit}`,
        ];
      }
      const { written, deleted } = data.restored;
      return [
        `${at}  ${label(data.reason)} put back ${data.restored.commit.slice(0, 10)}: ${written} written, ${deleted} deleted; the tree it replaced is ${commit}`,
      ];
    }
    case 'route':
      return [`${at}  ${label('route')} ${routeDetail(data, style)}`];
    case 'error':
      return [`${at}  ${label('error')} ${style.red(data.kind)}: ${data.message}`];
  }
}

function lastLines(text: string, count: number): string {
  const lines = text.split('\n');
  return lines.length <= count ? text : ['…', ...lines.slice(-count)].join('\n');
}
