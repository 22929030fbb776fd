import type { ApprovalPrompt, ApprovalRequest } from '@outpost/core';
import type { Style } from '../render/style.js';
import type { LineReader } from './line-reader.js';

/**
 * Asks the person at the terminal before a write or a command. "always" approves that tool for
 * the rest of the session. A refusal tells the model to stop and ask instead of trying again.
 */
export function createTerminalApprovalPrompt(options: {
  reader: () => LineReader;
  stderr: NodeJS.WritableStream;
  style: Style;
  /** Called before asking, so a spinner or streamed text does not garble the question. */
  beforeAsk?: () => void;
}): ApprovalPrompt {
  const { stderr, style } = options;
  const alwaysAllowed = new Set<string>();
  return async (request) => {
    if (alwaysAllowed.has(request.toolName)) return { approved: true };
    options.beforeAsk?.();
    const preview = previewOf(request, style);
    if (preview !== '') stderr.write(`${preview}\n`);
    for (;;) {
      const answer = await options
        .reader()
        .question(
          `${style.yellow('?')} Allow ${style.bold(request.description)}? [y]es, [n]o, [a]lways for ${request.toolName}: `,
        );
      const normalized = (answer ?? 'n').trim().toLowerCase();
      if (normalized === 'y' || normalized === 'yes') return { approved: true };
      if (normalized === 'a' || normalized === 'always') {
        alwaysAllowed.add(request.toolName);
        return { approved: true };
      }
      if (normalized === 'n' || normalized === 'no' || answer === undefined) {
        return {
          approved: false,
          reason: `The user declined ${request.description}. Do not try it again; ask the user what they want instead, or finish.`,
        };
      }
      stderr.write('Please answer y, n or a.\n');
    }
  };
}

function previewOf(request: ApprovalRequest, style: Style): string {
  const input = (request.input ?? {}) as Record<string, unknown>;
  if (
    request.toolName === 'edit_file' &&
    typeof input.search === 'string' &&
    typeof input.replace === 'string'
  ) {
    const removed = input.search.split('\n').map((line) => style.red(`  - ${line}`));
    const added = input.replace.split('\n').map((line) => style.green(`  + ${line}`));
    return clip([...removed, ...added], 30).join('\n');
  }
  if (request.toolName === 'write_file' && typeof input.content === 'string') {
    const lines = input.content.split('\n');
    return style.dim(`  (${lines.length} line${lines.length === 1 ? '' : 's'})`);
  }
  return '';
}

function clip(lines: string[], limit: number): string[] {
  return lines.length <= limit
    ? lines
    : [...lines.slice(0, limit), `  … ${lines.length - limit} more lines`];
}
