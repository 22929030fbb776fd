import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionEventData } from '@outpost/protocol';
import type { LanguageModel } from '@outpost/protocol';
import { afterEach, beforeEach } from 'vitest';
import { createEventBus } from '../../events/event-bus.js';
import { openStore, type Store } from '../../store/store.js';
import { createDefaultTools } from '../../tool/default-tools.js';
import type { AgentEvent } from '../agent-event.js';
import { createAgent, type Agent, type AgentOptions } from '../agent-loop.js';
import { createNonInteractiveApprovalPrompt, toolsForPolicy } from '../approval-policy.js';

/** What each test of an agent test file gets: a git project with calc.py and its test, a store. */
export interface AgentProject {
  readonly projectRoot: string;
  readonly store: Store;
  /** A full-auto agent on the project (options overridable) and a new session for it. */
  setup: (
    model: LanguageModel,
    overrides?: Partial<AgentOptions>,
  ) => { agent: Agent; session: { id: string }; seen: AgentEvent[] };
  /** The session's events of one type, in order. */
  eventsOf: <Type extends SessionEventData['type']>(
    sessionId: string,
    type: Type,
  ) => Extract<SessionEventData, { type: Type }>[];
}

/**
 * Registers `beforeEach`/`afterEach` that create and remove a throwaway git project (`calc.py`
 * with `calc`, and a `test_calc.py` that fails on it) and an encrypted store.
 */
export function useAgentProject(options: {
  name: string;
  calc: string;
  maxSteps: number;
}): AgentProject {
  let projectRoot: string | undefined;
  let dataDirectory: string | undefined;
  let store: Store | undefined;

  beforeEach(() => {
    projectRoot = realpathSync(mkdtempSync(join(tmpdir(), `outpost-${options.name}-project-`)));
    dataDirectory = mkdtempSync(join(tmpdir(), `outpost-${options.name}-store-`));
    execFileSync('git', ['init', '-q'], { cwd: projectRoot });
    writeFileSync(join(projectRoot, 'calc.py'), options.calc);
    writeFileSync(
      join(projectRoot, 'test_calc.py'),
      'from calc import add\nassert add(2, 3) == 5, "add is wrong"\nprint("ok")\n',
    );
    store = openStore({
      path: join(dataDirectory, 'outpost.db'),
      keyHex: randomBytes(32).toString('hex'),
    });
  });

  afterEach(() => {
    store?.close();
    if (projectRoot !== undefined) rmSync(projectRoot, { recursive: true, force: true });
    if (dataDirectory !== undefined) rmSync(dataDirectory, { recursive: true, force: true });
  });

  const ready = (): { projectRoot: string; store: Store } => {
    if (projectRoot === undefined || store === undefined) {
      throw new Error('useAgentProject is only usable inside a test');
    }
    return { projectRoot, store };
  };

  return {
    get projectRoot() {
      return ready().projectRoot;
    },
    get store() {
      return ready().store;
    },
    setup: (model, overrides = {}) => {
      const current = ready();
      const events = createEventBus<AgentEvent>();
      const seen: AgentEvent[] = [];
      events.subscribe((event) => seen.push(event));
      const agent = createAgent({
        model,
        tools: toolsForPolicy(createDefaultTools(), 'full-auto'),
        sessions: current.store.sessions,
        events,
        approval: { policy: 'full-auto', prompt: createNonInteractiveApprovalPrompt('full-auto') },
        projectRoot: current.projectRoot,
        systemPrompt: 'You are a test agent.',
        maxSteps: options.maxSteps,
        ...overrides,
      });
      const session = current.store.sessions.create({
        title: options.name,
        projectRoot: current.projectRoot,
        provider: model.provider,
        model: model.modelId,
      });
      return { agent, session, seen };
    },
    eventsOf: <Type extends SessionEventData['type']>(sessionId: string, type: Type) => {
      return ready()
        .store.sessions.events(sessionId)
        .map((event) => event.data)
        .filter((data): data is Extract<SessionEventData, { type: Type }> => data.type === type);
    },
  };
}
