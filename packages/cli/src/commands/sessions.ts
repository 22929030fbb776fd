import { existsSync } from 'node:fs';
import { awaitsModel } from '@outpost/core';
import { processTerminal, startSessionCodeIndex, terminalView } from '../agent-session.js';
import { formatSessionDetail, formatSessionLine } from '../render/session-format.js';
import { chooseModel } from '../model-choice.js';
import { withProjectPolicy } from '../project-policy.js';
import { loadSettings, openLocalStore } from '../runtime.js';
import type { AgentFlags } from '../runtime.js';
import { UsageError } from '../usage-error.js';
import { startInteractive } from './interactive.js';
import { runInSession } from './run.js';

function openStoreForReading() {
  const terminal = processTerminal();
  const store = openLocalStore(terminal.env, (warning) => terminal.stderr.write(`${warning}\n`));
  return { terminal, store };
}

/** `outpost sessions list`: one line per session, newest first. */
export function listSessions(options: { limit?: string; json?: boolean }): number {
  const { terminal, store } = openStoreForReading();
  try {
    const limit = options.limit === undefined ? 20 : Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new UsageError(`--limit must be a positive whole number, not "${options.limit}".`);
    }
    const sessions = store.sessions.list({ limit });
    if (options.json === true) {
      for (const session of sessions) terminal.stdout.write(`${JSON.stringify(session)}\n`);
      return 0;
    }
    if (sessions.length === 0) {
      terminal.stderr.write(
        'No sessions yet. Start one with: outpost run "<task>" (or just: outpost)\n',
      );
      return 0;
    }
    const { style } = terminalView(terminal);
    for (const session of sessions) terminal.stdout.write(`${formatSessionLine(session, style)}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** `outpost sessions show <id>`: the session and every event in it. */
export function showSession(idOrPrefix: string, options: { json?: boolean }): number {
  const { terminal, store } = openStoreForReading();
  try {
    const id = store.sessions.resolveId(idOrPrefix);
    const session = store.sessions.get(id);
    if (!session) throw new UsageError(`No session matches "${idOrPrefix}".`);
    const events = store.sessions.events(id);
    if (options.json === true) {
      terminal.stdout.write(`${JSON.stringify({ session, events })}\n`);
      return 0;
    }
    const { style } = terminalView(terminal);
    terminal.stdout.write(`${formatSessionDetail(session, events, style)}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/**
 * `outpost sessions resume <id> [message]`: continue a session in its own project. Without a
 * message it picks up where the session stopped (a failed or cancelled run); a session that
 * ended with an answer needs a message, or opens interactively on a terminal.
 */
export async function resumeSession(
  idOrPrefix: string,
  words: string[],
  flags: AgentFlags,
): Promise<number> {
  const { terminal, store } = openStoreForReading();
  try {
    const id = store.sessions.resolveId(idOrPrefix);
    const session = store.sessions.get(id);
    if (!session) throw new UsageError(`No session matches "${idOrPrefix}".`);
    if (!existsSync(session.projectRoot)) {
      throw new UsageError(
        `Session ${id.slice(0, 8)} belongs to ${session.projectRoot}, which no longer exists.`,
      );
    }
    const message = words.join(' ').trim();
    const events = store.sessions.events(id);
    if (message === '' && !awaitsModel(events)) {
      if (terminal.stdin.isTTY && flags.json !== true) {
        return await startInteractive(flags, {
          sessionId: id,
          projectRoot: session.projectRoot,
          model: session.model,
          store,
        });
      }
      throw new UsageError(
        `Session ${id.slice(0, 8)} ended with an answer, so there is nothing to continue. ` +
          `Give a message: outpost sessions resume ${id.slice(0, 8)} "<what next>"`,
      );
    }
    const projectRoot = session.projectRoot;
    const settings = withProjectPolicy(loadSettings(terminal.env, flags), projectRoot);
    const codeIndex = startSessionCodeIndex({ projectRoot, flags, settings });
    try {
      const choice = await chooseModel(flags, settings, session.model);
      if (choice.note) terminal.stderr.write(`${choice.note}\n`);
      try {
        return await runInSession({
          sessionId: id,
          userMessage: message === '' ? undefined : message,
          store,
          choice,
          projectRoot,
          flags,
          settings,
          terminal,
          codeIndex,
        });
      } finally {
        await choice.model.dispose?.();
      }
    } finally {
      await codeIndex?.close();
    }
  } finally {
    store.close();
  }
}
