import { createNonInteractiveApprovalPrompt } from '@outpost/core';
import type { Store } from '@outpost/core';
import {
  cancelOnInterrupt,
  createAgentRunner,
  exitCodeFor,
  processTerminal,
  startSessionCodeIndex,
  terminalView,
} from '../agent-session.js';
import type { SessionCodeIndex, Terminal } from '../agent-session.js';
import { createLineReader } from '../input/line-reader.js';
import type { LineReader } from '../input/line-reader.js';
import { createTerminalApprovalPrompt } from '../input/terminal-approval.js';
import { settleProposals } from '../memory-review.js';
import { chooseModel } from '../model-choice.js';
import { withProjectPolicy } from '../project-policy.js';
import type { ModelChoice } from '../model-choice.js';
import {
  approvalPolicyFrom,
  loadSettings,
  openLocalStore,
  resolveProjectRoot,
  titleFrom,
} from '../runtime.js';
import type { AgentFlags, Settings } from '../runtime.js';

/** `outpost run "<task>"`: one task, start to finish, then exit with its outcome. */
export async function runTask(task: string, flags: AgentFlags): Promise<number> {
  const terminal = processTerminal();
  const projectRoot = await resolveProjectRoot(flags.cwd ?? process.cwd());
  const settings = withProjectPolicy(loadSettings(terminal.env, flags), projectRoot);
  const codeIndex = startSessionCodeIndex({ projectRoot, flags, settings });
  try {
    const choice = await chooseModel(flags, settings);
    if (choice.note) terminal.stderr.write(`${choice.note}\n`);
    const store = openLocalStore(terminal.env, (warning) => terminal.stderr.write(`${warning}\n`));
    try {
      const session = store.sessions.create({
        title: titleFrom(task),
        projectRoot,
        provider: choice.model.provider,
        model: choice.model.modelId,
      });
      return await runInSession({
        sessionId: session.id,
        userMessage: task,
        plan: flags.plan === true,
        store,
        choice,
        projectRoot,
        flags,
        settings,
        terminal,
        codeIndex,
      });
    } finally {
      store.close();
      await choice.model.dispose?.();
    }
  } finally {
    await codeIndex?.close();
  }
}

/** Runs the agent once in an existing session, with Ctrl-C and approvals wired to the terminal. */
export async function runInSession(options: {
  sessionId: string;
  userMessage: string | undefined;
  /** Make a plan for the message first (`run --plan`). */
  plan?: boolean;
  store: Store;
  choice: ModelChoice;
  projectRoot: string;
  flags: AgentFlags;
  settings: Settings;
  terminal: Terminal;
  /** From `startSessionCodeIndex`; the caller closes it. */
  codeIndex: SessionCodeIndex | undefined;
}): Promise<number> {
  const { terminal, flags, settings } = options;
  const view = terminalView(terminal);
  const policy = approvalPolicyFrom(flags, settings);
  const controller = new AbortController();
  let reader: LineReader | undefined;
  const openReader = () => {
    if (reader) return reader;
    const created = createLineReader(terminal.stdin, terminal.stderr);
    created.onInterrupt(() => {
      // Ctrl-C while a question is open: cancel the run and answer "no".
      terminal.stderr.write('\nCancelling…\n');
      controller.abort();
      created.close();
      reader = undefined;
    });
    reader = created;
    return created;
  };
  const canAsk = flags.json !== true && terminal.stdin.isTTY && terminal.stderr.isTTY;
  const approvalPrompt = canAsk
    ? createTerminalApprovalPrompt({
        reader: openReader,
        stderr: terminal.stderr,
        style: view.style,
        beforeAsk: () => view.spinner.stop(),
      })
    : createNonInteractiveApprovalPrompt(policy);
  const runner = createAgentRunner({
    store: options.store,
    model: options.choice.model,
    requireToolCallFirst: options.choice.protocol === 'constrained',
    router: options.choice.router,
    promptProfile: options.choice.profile,
    projectRoot: options.projectRoot,
    policy,
    approvalPrompt,
    flags,
    settings,
    terminal,
    view,
    codeIndex: options.codeIndex,
  });
  const release = cancelOnInterrupt(controller, terminal.stderr);
  try {
    const result = await runner.run({
      sessionId: options.sessionId,
      ...(options.userMessage === undefined ? {} : { userMessage: options.userMessage }),
      ...(options.plan === true ? { plan: true } : {}),
      signal: controller.signal,
    });
    if (result.outcome === 'completed') {
      // The session ends here: if it changed code, the model proposes what to remember.
      const reflection = await runner.reflect({
        sessionId: options.sessionId,
        signal: controller.signal,
      });
      settleProposals(reflection, {
        memory: runner.memory,
        sessionId: options.sessionId,
        stderr: terminal.stderr,
        style: view.style,
        json: flags.json === true,
        announce: runner.announce,
        autoAccept: flags.autoAcceptMemory === true,
      });
    }
    return exitCodeFor(result.outcome);
  } finally {
    release();
    reader?.close();
  }
}
