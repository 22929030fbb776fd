import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeLanguageModel, reply } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chunkBySymbols,
  extractSymbols,
  identifierWords,
  languageOfPath,
  openCodeIndex,
} from '../code-index/index.js';
import { createEventBus } from '../events/event-bus.js';
import { loadProjectRules } from '../prompt/project-rules.js';
import { openStore } from '../store/store.js';
import type { Store } from '../store/store.js';
import { createInMemoryMemoryStore } from '../memory/__fixtures__/in-memory-memory-store.js';
import { createDefaultTools } from '../tool/default-tools.js';
import { createMemoryTools } from '../tool/memory-tools.js';
import type { AgentEvent } from './agent-event.js';
import { createAgent } from './agent-loop.js';
import type { TurnWork } from './agent-loop.js';
import { createNonInteractiveApprovalPrompt } from './approval-policy.js';
import { describeMemory } from './memory-context.js';
import { describeRepoMap } from './repo-map.js';

let projectRoot: string;
let dataDirectory: string;
let store: Store;

beforeEach(() => {
  projectRoot = realpathSync(mkdtempSync(join(tmpdir(), 'outpost-prefix-project-')));
  dataDirectory = mkdtempSync(join(tmpdir(), 'outpost-prefix-store-'));
  writeFileSync(join(projectRoot, 'AGENTS.md'), 'Always run the tests.\n');
  writeFileSync(join(projectRoot, 'a.txt'), 'alpha\n');
  store = openStore({ path: join(dataDirectory, 'o.db'), keyHex: randomBytes(32).toString('hex') });
});

afterEach(() => {
  store.close();
  rmSync(projectRoot, { recursive: true, force: true });
  rmSync(dataDirectory, { recursive: true, force: true });
});

describe('the stable prompt prefix', () => {
  it('loads project rules once per session and appends volatile context at the tail of the user turn', async () => {
    const model = new FakeLanguageModel().push(
      reply().toolCall('read_file', { path: 'a.txt' }),
      reply().text('Read it.'),
      reply().text('Still here.'),
    );
    let turn = 0;
    const agent = createAgent({
      model,
      tools: createDefaultTools(),
      sessions: store.sessions,
      events: createEventBus<AgentEvent>(),
      approval: { policy: 'full-auto', prompt: createNonInteractiveApprovalPrompt('full-auto') },
      projectRoot,
      systemPrompt: 'You are a test agent.',
      maxSteps: 10,
      promptProfile: 'compact',
      loadProjectRules: (root) => loadProjectRules(root, 4000),
      turnContext: () => Promise.resolve(`Time: turn ${++turn}`),
    });
    const session = store.sessions.create({
      title: 't',
      projectRoot,
      provider: model.provider,
      model: model.modelId,
    });
    await agent.run({ sessionId: session.id, userMessage: 'Read a.txt.' });
    // The rules file changes between turns; the session keeps what it loaded.
    writeFileSync(join(projectRoot, 'AGENTS.md'), 'Different rules now.\n');
    await agent.run({ sessionId: session.id, userMessage: 'And now?' });

    const [first, second, third] = model.calls;
    expect(first?.messages[0]?.content).toContain('### AGENTS.md\nAlways run the tests.');
    expect(third?.messages[0]?.content).toBe(first?.messages[0]?.content);
    expect(first?.messages[1]?.content).toBe('Read a.txt.\n\n<context>\nTime: turn 1\n</context>');
    expect(third?.messages.at(-1)?.content).toBe('And now?\n\n<context>\nTime: turn 2\n</context>');
    // Each request starts with the whole previous one, byte for byte.
    for (const [previous, next] of [
      [first, second],
      [second, third],
    ] as const) {
      const before = JSON.stringify(previous?.messages).slice(0, -1);
      expect(JSON.stringify(next?.messages).startsWith(before)).toBe(true);
      expect(next?.tools).toEqual(previous?.tools);
    }
    const types = store.sessions.events(session.id).map((event) => event.data.type);
    expect(types.filter((type) => type === 'project-rules')).toHaveLength(1);
    expect(types[0]).toBe('project-rules');
    // The compact profile sends tools without their examples.
    expect(first?.tools.find((tool) => tool.name === 'read_file')?.description).not.toContain(
      'Example',
    );
  });
});

describe('the repository map', () => {
  it('goes into the context of the user turn it was ranked for, never into the system prompt', async () => {
    mkdirSync(join(projectRoot, 'billing'));
    writeFileSync(
      join(projectRoot, 'billing', 'invoice.py'),
      'class InvoiceTotals:\n    def compute_tax(self, amount):\n        return amount * 0.2\n',
    );
    writeFileSync(join(projectRoot, 'calc.py'), 'def add(a, b):\n    return a - b\n');
    const index = openCodeIndex({
      projectRoot,
      indexPath: join(dataDirectory, 'index.db'),
      extractor: { languageOfPath, extractSymbols, chunkBySymbols, identifierWords },
    });
    try {
      await index.build();
      const model = new FakeLanguageModel().push(reply().text('Looked.'), reply().text('Again.'));
      const agent = createAgent({
        model,
        tools: createDefaultTools(),
        sessions: store.sessions,
        events: createEventBus<AgentEvent>(),
        approval: { policy: 'read-only', prompt: createNonInteractiveApprovalPrompt('read-only') },
        projectRoot,
        systemPrompt: 'You are a test agent.',
        maxSteps: 10,
        loadProjectRules: (root) => loadProjectRules(root, 4000),
        turnContext: (message) => Promise.resolve(describeRepoMap(index, message, 1000)),
      });
      const session = store.sessions.create({
        title: 't',
        projectRoot,
        provider: model.provider,
        model: model.modelId,
      });
      await agent.run({ sessionId: session.id, userMessage: 'compute_tax rounds wrongly' });
      await agent.run({ sessionId: session.id, userMessage: 'Now make add in calc.py add.' });

      const [first, second] = model.calls;
      const contextOf = (content: string | undefined) =>
        /\n\n<context>\n([\s\S]*)\n<\/context>$/.exec(content ?? '')?.[1] ?? '';
      const firstMap = contextOf(first?.messages.at(-1)?.content);
      expect(firstMap.split('\n').slice(1, 4)).toEqual([
        'billing/invoice.py',
        '  class InvoiceTotals L1-3',
        '    method compute_tax L2-3',
      ]);
      expect(contextOf(second?.messages.at(-1)?.content).split('\n')[1]).toBe('calc.py');
      for (const call of model.calls) {
        expect(call.messages[0]?.role).toBe('system');
        expect(call.messages[0]?.content).not.toContain('Repository map');
        expect(call.messages[0]?.content).not.toContain('compute_tax');
      }
      // The first turn, map included, is sent again unchanged: the map was recorded with it.
      expect(second?.messages[1]).toEqual(first?.messages[1]);
      const recorded = store.sessions
        .events(session.id)
        .flatMap((event) => (event.data.type === 'user-message' ? [event.data.context] : []));
      expect(recorded[0]).toBe(firstMap);
    } finally {
      index.close();
    }
  });
});

describe('project memory', () => {
  it('puts accepted records relevant to the message and the work in the turn context, never in the prefix; tools propose and recall', async () => {
    const memory = createInMemoryMemoryStore();
    const alpha = memory.add({
      kind: 'convention',
      title: 'a.txt holds one word per line',
      body: 'Keep it sorted; the loader relies on it.',
      paths: ['a.txt'],
      status: 'accepted',
    });
    const retired = memory.add({
      kind: 'decision',
      title: 'a.txt is generated',
      body: 'No longer true.',
      paths: ['a.txt'],
      status: 'accepted',
    });
    memory.setStatus(retired.id, 'retired');
    memory.add({ kind: 'fact', title: 'a.txt proposal', body: 'Unreviewed.', status: 'proposed' });
    const model = new FakeLanguageModel().push(
      reply().toolCall('read_file', { path: 'a.txt' }),
      reply().text('It says alpha.'),
      reply()
        .toolCall('recall', { query: 'sorted loader' })
        .toolCall('remember', {
          kind: 'fact',
          title: 'alpha comes first',
          body: 'The first word of a.txt is alpha.',
          paths: ['a.txt'],
        }),
      reply().text('Noted.'),
    );
    const works: TurnWork[] = [];
    const agent = createAgent({
      model,
      tools: [...createDefaultTools(), ...createMemoryTools({ recall: true })],
      sessions: store.sessions,
      events: createEventBus<AgentEvent>(),
      approval: { policy: 'auto-edit', prompt: createNonInteractiveApprovalPrompt('auto-edit') },
      projectRoot,
      systemPrompt: 'You are a test agent.',
      maxSteps: 10,
      memory,
      turnContext: (message, _signal, work) => {
        works.push(work);
        return Promise.resolve(
          describeMemory({ memory, message, workPaths: work.workPaths, tokenBudget: 500 }),
        );
      },
    });
    const session = store.sessions.create({
      title: 't',
      projectRoot,
      provider: model.provider,
      model: model.modelId,
    });
    await agent.run({ sessionId: session.id, userMessage: 'What is in the file?' });
    await agent.run({ sessionId: session.id, userMessage: 'Anything to keep in mind?' });

    // The first message names no file and matches no record; the second comes after a.txt was read.
    expect(works.map((work) => work.workPaths)).toEqual([[], ['a.txt']]);
    const [first, , third, fourth] = model.calls;
    expect(first?.messages.at(-1)?.content).toBe('What is in the file?');
    const context = /<context>\n([\s\S]*)\n<\/context>$/.exec(
      third?.messages.at(-1)?.content ?? '',
    )?.[1];
    expect(context?.split('\n')).toEqual([
      'Project memory (accepted records that may apply; recall finds more):',
      expect.stringMatching(
        /^- \[convention [0-9a-f-]+\] a\.txt holds one word per line: Keep it sorted/,
      ),
    ]);
    for (const call of model.calls) {
      expect(call.messages[0]?.content).not.toContain('a.txt');
      expect(JSON.stringify(call.messages)).not.toContain('a.txt is generated');
      expect(JSON.stringify(call.messages)).not.toContain('a.txt proposal');
    }
    expect(third?.tools).toEqual(first?.tools);
    // recall answers from accepted records; remember proposes one, with provenance.
    const results = fourth?.messages.filter((message) => message.role === 'tool') ?? [];
    expect(results.at(-2)?.content).toMatch(
      /^1 record, best first:\n\[convention [0-9a-f-]+\] a\.txt holds/,
    );
    expect(results.at(-1)?.content).toMatch(/^Proposed memory [0-9a-f-]+: "alpha comes first"/);
    expect(memory.list({ statuses: ['proposed'] }).map((record) => record.title)).toEqual([
      'alpha comes first',
      'a.txt proposal',
    ]);
    expect(memory.list({ statuses: ['proposed'] })[0]?.provenance).toMatchObject({
      session: session.id,
      model: 'fake/fake-model',
    });
    expect(alpha.status).toBe('accepted');
  });
});
