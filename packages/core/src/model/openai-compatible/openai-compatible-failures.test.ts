import type { ModelErrorInfo, ModelRequest, StreamPart } from '@outpost/protocol';
import { type FakeLlmServer, reply, startFakeLlmServer } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type OpenAiCompatibleModelOptions,
  createOpenAiCompatibleModel,
} from './openai-compatible-model.js';

let server: FakeLlmServer;
let sleeps: number[];

beforeEach(async () => {
  server = await startFakeLlmServer();
  sleeps = [];
});

afterEach(async () => {
  await server.close();
});

function model(options: Partial<OpenAiCompatibleModelOptions> = {}) {
  return createOpenAiCompatibleModel({
    baseUrl: server.baseUrl,
    model: 'fake-model',
    random: () => 0.5,
    sleep: (milliseconds) => {
      sleeps.push(milliseconds);
      return Promise.resolve();
    },
    ...options,
  });
}

const ask: ModelRequest = { messages: [{ role: 'user', content: 'Hello' }], tools: [] };

async function parts(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const collected: StreamPart[] = [];
  for await (const part of stream) collected.push(part);
  return collected;
}

/** The stream's only error, checking it is the last part. */
function lastError(streamed: StreamPart[]): ModelErrorInfo {
  const errors = streamed.filter((part) => part.type === 'error');
  expect(errors).toHaveLength(1);
  expect(streamed.at(-1)).toBe(errors[0]);
  return (errors[0] as Extract<StreamPart, { type: 'error' }>).error;
}

const chatRequests = () =>
  server.requests.filter((request) => request.path === '/v1/chat/completions').length;

describe('openai-compatible adapter failures', () => {
  it('retries a 503 and streams the answer that follows', async () => {
    server.push(reply().httpError(503, 'Loading model'), 'Ready now.');
    const streamed = await parts(model().stream(ask));
    expect(streamed.filter((part) => part.type === 'error')).toEqual([]);
    expect(streamed.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    expect(chatRequests()).toBe(2);
    expect(sleeps).toHaveLength(1);
  });

  it('backs off exponentially and reports the last failure after maxRetries', async () => {
    server.push(...Array.from({ length: 3 }, () => reply().httpError(502, 'Bad gateway')));
    const error = lastError(await parts(model().stream(ask)));
    expect(chatRequests()).toBe(3);
    expect(sleeps).toEqual([375, 750]);
    expect(error).toMatchObject({ kind: 'http', statusCode: 502, isRetryable: true });
    expect(error.message).toBe(
      `The model server at ${server.baseUrl} answered 502: Bad gateway. Tried 3 times.`,
    );
  });

  it('waits as long as Retry-After asks', async () => {
    server.push(reply().httpError(429, 'Slow down', { 'retry-after': '2' }), 'ok');
    await parts(model().stream(ask));
    expect(sleeps).toEqual([2000]);
  });

  it.each([
    [400, 'the request exceeds the available context size'],
    [404, 'model "qwen-9000" not found'],
    [401, 'invalid api key'],
  ])('does not retry a %i and names the server and its message', async (status, message) => {
    server.push(reply().httpError(status, message), 'never sent');
    const error = lastError(await parts(model().stream(ask)));
    expect(chatRequests()).toBe(1);
    expect(sleeps).toEqual([]);
    expect(error).toMatchObject({ kind: 'http', statusCode: status, isRetryable: false });
    expect(error.message).toContain(
      `The model server at ${server.baseUrl} answered ${status}: ${message}.`,
    );
  });

  it('tells the user how to fix a refused connection', async () => {
    const closed = await startFakeLlmServer();
    await closed.close();
    const error = lastError(await parts(model({ baseUrl: closed.baseUrl }).stream(ask)));
    expect(error).toMatchObject({ kind: 'unreachable', isRetryable: true });
    expect(error.message).toBe(
      `No model server is reachable at ${closed.baseUrl} (connection refused). ` +
        'Start llama.cpp server, LM Studio or Ollama, or pass --base-url. Tried 3 times.',
    );
    expect(sleeps).toHaveLength(2);
  });

  it('reports a stream cut mid-answer after the deltas it delivered, without retrying', async () => {
    server.push(reply().text('abcdefghijklmnop').dieAfter(2), 'never sent');
    const streamed = await parts(model().stream(ask));
    expect(streamed.map((part) => part.type)).toEqual(['text-delta', 'text-delta', 'error']);
    expect(lastError(streamed)).toMatchObject({ kind: 'stream', isRetryable: true });
    expect(lastError(streamed).message).toMatch(
      new RegExp(
        `^The connection to the model server at ${server.baseUrl} broke after the response started \\(.+\\)\\.$`,
      ),
    );
    expect(chatRequests()).toBe(1);
  });

  it('retries a connection that dies before any output arrived', async () => {
    const args = { path: 'src/a.ts', content: 'export const a = 1;' };
    server.push(
      reply().toolCall('write_file', args).dieAfter(3),
      reply().dieAfter(0),
      'Recovered.',
    );
    const streamed = await parts(model().stream(ask));
    const text = streamed.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
    expect(text).toBe('Recovered.');
    expect(streamed.filter((part) => part.type === 'tool-call')).toEqual([]);
    expect(chatRequests()).toBe(3);
  });

  it('treats a stream cut after the finish reason as complete', async () => {
    server.push(reply().text('Done.').dieAfter(3));
    const streamed = await parts(model().stream(ask));
    expect(streamed.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    expect(streamed.some((part) => part.type === 'usage')).toBe(false);
  });

  it('gives up with a timeout error when the server stays silent for the idle timeout', async () => {
    server.push(reply().hang());
    const adapter = model({ idleTimeoutMs: 50, slowestPromptTokensPerSecond: Infinity });
    const error = lastError(await parts(adapter.stream(ask)));
    expect(error).toMatchObject({ kind: 'timeout', isRetryable: false });
    expect(error.message).toContain(`The model server at ${server.baseUrl} sent nothing for 50 ms`);
    expect(chatRequests()).toBe(1);
  });

  it('waits longer for the first bytes of a long prompt, sized by the prompt, not a fixed clock', async () => {
    const longAsk = { ...ask, messages: [{ role: 'user' as const, content: 'word '.repeat(400) }] };
    // About 500 prompt tokens at a slowest 1,000 tokens/s: 100 ms + ~500 ms before the first byte.
    server.push(reply().text('read it').prefill(300));
    const patient = model({ idleTimeoutMs: 100, slowestPromptTokensPerSecond: 1000 });
    const streamed = await parts(patient.stream(longAsk));
    expect(streamed.at(-1)).toEqual({ type: 'finish', reason: 'stop' });

    server.push(reply().text('read it').prefill(300));
    const impatient = model({ idleTimeoutMs: 100, slowestPromptTokensPerSecond: Infinity });
    expect(lastError(await parts(impatient.stream(longAsk)))).toMatchObject({ kind: 'timeout' });
  });

  it('lets a slow stream run past the idle timeout while chunks keep coming', async () => {
    server.push(reply().text('x'.repeat(80)).delay(25));
    const streamed = await parts(model({ idleTimeoutMs: 500 }).stream(ask));
    expect(streamed.filter((part) => part.type === 'text-delta')).toHaveLength(20);
    expect(streamed.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('ends with cancelled when aborted while waiting to retry', async () => {
    server.push(reply().httpError(503, 'Loading model'), 'never sent');
    const controller = new AbortController();
    const adapter = model({
      sleep: () => {
        controller.abort();
        return new Promise(() => undefined);
      },
    });
    const streamed = await parts(adapter.stream({ ...ask, signal: controller.signal }));
    expect(lastError(streamed)).toMatchObject({ kind: 'cancelled', isRetryable: false });
    expect(chatRequests()).toBe(1);
  });

  it('aborts the request when the consumer stops reading early', async () => {
    server.push(reply().text('x'.repeat(400)).delay(5));
    const signals: AbortSignal[] = [];
    const adapter = model({
      fetch: (input, init) => {
        if (init?.signal) signals.push(init.signal);
        return fetch(input, init);
      },
    });
    for await (const part of adapter.stream(ask)) {
      expect(part.type).toBe('text-delta');
      break;
    }
    expect(signals.map((signal) => signal.aborted)).toEqual([true]);
  });
});
