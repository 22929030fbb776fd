import { planStateOf } from '@outpost/core';
import type { ApprovalPolicy, Store } from '@outpost/core';
import {
  cancelOnInterrupt,
  createAgentRunner,
  processTerminal,
  startSessionCodeIndex,
  terminalView,
} from '../agent-session.js';
import type { AgentRunner, SessionCodeIndex, Terminal } from '../agent-session.js';
import { createLineReader } from '../input/line-reader.js';
import type { LineReader } from '../input/line-reader.js';
import { createTerminalApprovalPrompt } from '../input/terminal-approval.js';
import { reviewProposals, settleProposals } from '../memory-review.js';
import { chooseModel } from '../model-choice.js';
import { withProjectPolicy } from '../project-policy.js';
import {
  approvalPolicyFrom,
  loadSettings,
  openLocalStore,
  resolveProjectRoot,
  titleFrom,
} from '../runtime.js';
import type { AgentFlags, Settings } from '../runtime.js';
import { formatPlanState } from '../render/plan-format.js';
import type { Style } from '../render/style.js';

const HELP = `Type a task or a follow-up and press Enter. Commands:
  /help      show this help
  /plan TASK split TASK into subtasks first, then work through them one by one
  /plan      show the session's current plan and how far it got
  /session   show the current session id (resume it later with: outpost sessions resume ID)
  /exit      leave (also /quit, or Ctrl-D)
Ctrl-C cancels the running turn; at the prompt, press it twice to leave.`;

/**
 * `outpost` with no command: a multi-turn session in the current project. Each line is a user
 * turn of one session; the session is created with the first message, so starting and leaving
 * without typing anything stores nothing.
 */
export async function startInteractive(
  flags: AgentFlags,
  resume?: { sessionId: string; projectRoot: string; model: string; store: Store },
): Promise<number> {
  const loaded = loadSettings(processTerminal().env, flags);
  const policy = approvalPolicyFrom(flags, loaded);
  const projectRoot = resume?.projectRoot ?? (await resolveProjectRoot(flags.cwd ?? process.cwd()));
  const settings = withProjectPolicy(loaded, projectRoot);
  // Indexing goes on while the model is found and the user types the first message.
  const codeIndex = startSessionCodeIndex({ projectRoot, flags, settings });
  try {
    return await converse({ flags, settings, policy, projectRoot, codeIndex, resume });
  } finally {
    await codeIndex?.close();
  }
}

async function converse(options: {
  flags: AgentFlags;
  settings: Settings;
  policy: ApprovalPolicy;
  projectRoot: string;
  codeIndex: SessionCodeIndex | undefined;
  resume: { sessionId: string; projectRoot: string; model: string; store: Store } | undefined;
}): Promise<number> {
  const { flags, settings, policy, projectRoot, resume } = options;
  const terminal = processTerminal();
  const view = terminalView(terminal);
  const { style } = view;
  const choice = await chooseModel(flags, settings, resume?.model);
  const store =
    resume?.store ??
    openLocalStore(terminal.env, (warning) => terminal.stderr.write(`${warning}\n`));
  const reader = createLineReader(terminal.stdin, terminal.stdout);
  try {
    const runner = createAgentRunner({
      store,
      model: choice.model,
      requireToolCallFirst: choice.protocol === 'constrained',
      router: choice.router,
      promptProfile: choice.profile,
      projectRoot,
      policy,
      approvalPrompt: createTerminalApprovalPrompt({
        reader: () => reader,
        stderr: terminal.stderr,
        style,
        beforeAsk: () => view.spinner.stop(),
      }),
      flags: { ...flags, json: false },
      settings,
      terminal,
      view,
      codeIndex: options.codeIndex,
    });
    let sessionId = resume?.sessionId;
    terminal.stderr.write(
      style.dim(
        `Outpost · ${choice.model.modelId} (${choice.location}, ${choice.protocol} tool calls) · approval ${policy} · ${projectRoot}\n` +
          (sessionId ? `Resuming session ${sessionId}.\n` : '') +
          'Type a task, /help for commands, /exit to leave.\n',
      ),
    );

    let interruptsAtPrompt = 0;
    const atPrompt = () => {
      interruptsAtPrompt += 1;
      if (interruptsAtPrompt >= 2) reader.close();
      else terminal.stderr.write('\n(Press Ctrl-C again or type /exit to leave.)\n');
    };
    for (;;) {
      reader.onInterrupt(atPrompt);
      const line = await reader.question(style.bold('› '));
      if (line === undefined) break;
      const text = line.trim();
      if (text === '') continue;
      interruptsAtPrompt = 0;
      let message = text;
      if (text.startsWith('/')) {
        const command = text.split(/\s+/, 1)[0] ?? '';
        if (command === '/exit' || command === '/quit') break;
        message = command === '/plan' ? text.slice(command.length).trim() : '';
        if (message === '') {
          if (command === '/help') terminal.stderr.write(`${HELP}\n`);
          else if (command === '/plan')
            terminal.stderr.write(`${describePlan(store, sessionId, style)}\n`);
          else if (command === '/session')
            terminal.stderr.write(
              `${sessionId ?? 'No session yet: it starts with your first message.'}\n`,
            );
          else terminal.stderr.write(`Unknown command ${command}. Type /help for the list.\n`);
          continue;
        }
      }
      sessionId ??= store.sessions.create({
        title: titleFrom(message),
        projectRoot,
        provider: choice.model.provider,
        model: choice.model.modelId,
      }).id;
      const controller = new AbortController();
      reader.onInterrupt(() => {
        terminal.stderr.write('\nCancelling… (Ctrl-C again to leave)\n');
        if (controller.signal.aborted) process.exit(130);
        controller.abort();
      });
      const release = cancelOnInterrupt(controller, terminal.stderr);
      try {
        await runner.run({
          sessionId,
          userMessage: message,
          plan: message !== text,
          signal: controller.signal,
        });
      } finally {
        release();
      }
    }
    if (sessionId) {
      await reflectAtExit({ runner, sessionId, reader, flags, terminal, style });
      terminal.stderr.write(style.dim(`Session ${sessionId} saved.\n`));
    }
    return 0;
  } finally {
    reader.close();
    if (!resume) store.close();
    await choice.model.dispose?.();
  }
}

/** `/plan` with no task: the session's current plan, or why there is none. */
function describePlan(store: Store, sessionId: string | undefined, style: Style): string {
  const plan = sessionId === undefined ? undefined : planStateOf(store.sessions.events(sessionId));
  if (plan === undefined) {
    return 'No plan in this session. Type /plan and a task to split it into subtasks first.';
  }
  return formatPlanState(plan, style);
}

/**
 * The end of an interactive session: if it changed code since it last reflected, the model
 * proposes what to remember, and each proposal is shown to accept, edit, discard or leave for
 * later (`--auto-accept-memory`, from `sessions resume`, accepts them). Ctrl-C skips it.
 */
async function reflectAtExit(options: {
  runner: AgentRunner;
  sessionId: string;
  reader: LineReader;
  flags: AgentFlags;
  terminal: Terminal;
  style: Style;
}): Promise<void> {
  const { runner, sessionId, reader, terminal, style } = options;
  const controller = new AbortController();
  reader.onInterrupt(() => controller.abort());
  const release = cancelOnInterrupt(controller, terminal.stderr);
  try {
    const reflection = await runner.reflect({ sessionId, signal: controller.signal });
    const output = {
      memory: runner.memory,
      sessionId,
      stderr: terminal.stderr,
      style,
      json: false,
      announce: runner.announce,
    };
    if (options.flags.autoAcceptMemory === true) {
      settleProposals(reflection, { ...output, autoAccept: true });
    } else {
      await reviewProposals(reflection, { ...output, reader });
    }
  } finally {
    release();
  }
}
