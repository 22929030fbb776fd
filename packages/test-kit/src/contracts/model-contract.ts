import type { LanguageModel, ModelRequest, StreamPart, ToolSpec } from '@outpost/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ReplyInput, reply } from '../reply.js';

/** What a contract run needs: the model under test and a way to script its next replies. */
export interface ModelContractSubject {
  model: LanguageModel;
  /** Queues replies; the model's next calls answer with them, in order. */
  script: (...replies: ReplyInput[]) => void;
  teardown?: () => Promise<void>;
}

const readFile: ToolSpec = {
  name: 'read_file',
  description: 'Read a file of the project.',
  inputSchema: {
    type: 'object',
    properties: { path: { type: 'string' } },
    required: ['path'],
  },
};

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    messages: [
      { role: 'system', content: 'You are a careful coding agent.' },
      { role: 'user', content: 'Look at src/app.ts.' },
    ],
    tools: [readFile],
    ...overrides,
  };
}

/** Drains a stream; a stream that throws fails the test, since adapters must never throw. */
async function collect(
  stream: AsyncIterable<StreamPart>,
  onPart: (part: StreamPart) => void = () => undefined,
): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) {
    parts.push(part);
    onPart(part);
  }
  return parts;
}

function ofType<Type extends StreamPart['type']>(parts: StreamPart[], type: Type) {
  return parts.filter((part): part is Extract<StreamPart, { type: Type }> => part.type === type);
}

/**
 * Behaviour every `LanguageModel` adapter must have (DESIGN §3.1), run against each adapter with a
 * scripted backend: the fake model in-process, the HTTP adapters against the fake server.
 */
export function runModelContract(name: string, setup: () => Promise<ModelContractSubject>): void {
  describe(`${name} satisfies the LanguageModel contract`, () => {
    let subject: ModelContractSubject;

    beforeEach(async () => {
      subject = await setup();
    });

    afterEach(async () => {
      await subject.teardown?.();
    });

    it('streams text as several deltas that join to the scripted text', async () => {
      subject.script(reply().text('Hello from the contract suite.'));
      const parts = await collect(subject.model.stream(request()));
      const deltas = ofType(parts, 'text-delta');
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.map((part) => part.text).join('')).toBe('Hello from the contract suite.');
      expect(ofType(parts, 'error')).toEqual([]);
      expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    });

    it('keeps reasoning apart from the answer text', async () => {
      subject.script(reply().reasoning('The user wants a greeting.').text('Hi.'));
      const parts = await collect(subject.model.stream(request()));
      const reasoning = ofType(parts, 'reasoning-delta').map((part) => part.text);
      expect(reasoning.join('')).toBe('The user wants a greeting.');
      expect(
        ofType(parts, 'text-delta')
          .map((part) => part.text)
          .join(''),
      ).toBe('Hi.');
    });

    it('delivers a tool call as one tool-call part with the exact arguments text', async () => {
      const args = { path: 'src/app.ts', startLine: 10, endLine: 40 };
      subject.script(reply().toolCall('read_file', args));
      const parts = await collect(subject.model.stream(request()));
      const calls = ofType(parts, 'tool-call');
      expect(calls).toHaveLength(1);
      expect(calls[0]?.toolCall).toMatchObject({
        name: 'read_file',
        arguments: JSON.stringify(args),
      });
      expect(calls[0]?.toolCall.id).not.toBe('');
      expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
    });

    it('delivers several tool calls in order, each with its own id', async () => {
      subject.script(
        reply().toolCall('read_file', { path: 'a.ts' }).toolCall('read_file', { path: 'b.ts' }),
      );
      const parts = await collect(subject.model.stream(request()));
      const calls = ofType(parts, 'tool-call').map((part) => part.toolCall);
      expect(calls.map((call) => call.arguments)).toEqual(['{"path":"a.ts"}', '{"path":"b.ts"}']);
      expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    });

    it('passes malformed tool argument text through unchanged, without an error', async () => {
      const malformed = '{"path": "src/app.ts", "content": "unterminated';
      subject.script(reply().rawToolCall('write_file', malformed));
      const parts = await collect(subject.model.stream(request()));
      expect(ofType(parts, 'tool-call').map((part) => part.toolCall.arguments)).toEqual([
        malformed,
      ]);
      expect(ofType(parts, 'error')).toEqual([]);
    });

    it('reports usage, then finish as the last part', async () => {
      subject.script(reply().text('Done.').usage({ inputTokens: 321, outputTokens: 7 }));
      const parts = await collect(subject.model.stream(request()));
      const types = parts.map((part) => part.type);
      expect(ofType(parts, 'usage')).toEqual([
        { type: 'usage', usage: { inputTokens: 321, outputTokens: 7 } },
      ]);
      expect(types.slice(-2)).toEqual(['usage', 'finish']);
      expect(types.lastIndexOf('text-delta')).toBeLessThan(types.indexOf('usage'));
    });

    it('consumes scripted replies in order, one per call', async () => {
      subject.script('first answer', 'second answer');
      const first = await collect(subject.model.stream(request()));
      const second = await collect(subject.model.stream(request()));
      const text = (parts: StreamPart[]) =>
        ofType(parts, 'text-delta')
          .map((part) => part.text)
          .join('');
      expect([text(first), text(second)]).toEqual(['first answer', 'second answer']);
    });

    it('answers an already aborted signal with a cancelled error and ends', async () => {
      subject.script('never read');
      const controller = new AbortController();
      controller.abort();
      const parts = await collect(subject.model.stream(request({ signal: controller.signal })));
      expect(parts).toHaveLength(1);
      expect(parts[0]).toMatchObject({ type: 'error', error: { kind: 'cancelled' } });
    });

    it('ends with a cancelled error when the signal aborts mid-stream', async () => {
      subject.script(reply().text('one two three four five six seven eight nine ten').delay(20));
      const controller = new AbortController();
      const stream = subject.model.stream(request({ signal: controller.signal }));
      const parts = await collect(stream, (part) => {
        if (part.type === 'text-delta') controller.abort();
      });
      expect(parts.map((part) => part.type)).toEqual(['text-delta', 'error']);
      expect(parts[1]).toMatchObject({ type: 'error', error: { kind: 'cancelled' } });
    });

    it('ends with a cancelled error when aborted while waiting for an answer', async () => {
      subject.script(reply().hang());
      const controller = new AbortController();
      const stream = subject.model.stream(request({ signal: controller.signal }));
      // A trigger, not a timing assertion: the abort may land before or after the request leaves.
      setTimeout(() => controller.abort(), 30);
      const parts = await collect(stream);
      expect(parts).toHaveLength(1);
      expect(parts[0]).toMatchObject({ type: 'error', error: { kind: 'cancelled' } });
    });

    it('turns an HTTP-level failure into one error part, without finish', async () => {
      subject.script(reply().httpError(400, 'the request exceeds the available context size'));
      const parts = await collect(subject.model.stream(request()));
      expect(parts).toHaveLength(1);
      const error = ofType(parts, 'error')[0]?.error;
      expect(error).toMatchObject({ kind: 'http', statusCode: 400, isRetryable: false });
      expect(error?.message).toContain('the request exceeds the available context size');
    });

    it('estimates tokens and reports its context window without failing', async () => {
      const tokens = await subject.model.countTokens('x'.repeat(400));
      expect(tokens).toBeGreaterThan(50);
      expect(tokens).toBeLessThan(400);
      const window = await subject.model.contextWindow();
      expect(window === undefined || window > 0).toBe(true);
    });
  });
}
