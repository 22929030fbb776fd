import type { ModelErrorInfo, ModelRequest, StreamPart } from '@outpost/protocol';
import {
  type FakeOllamaServer,
  rawBodyReply,
  reply,
  startFakeOllamaServer,
  streamErrorReply,
} from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OllamaModelOptions, createOllamaModel } from './ollama-model.js';

let server: FakeOllamaServer;
let sleeps: number[];

beforeEach(async () => {
  server = await startFakeOllamaServer();
  sleeps = [];
});

afterEach(async () => {
  await server.close();
});

function model(options: Partial<OllamaModelOptions> = {}) {
  return createOllamaModel({
    baseUrl: server.baseUrl,
    model: 'fake-model',
    description: { contextLength: 32_768, capabilities: ['completion', 'tools'] },
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

const text = (streamed: StreamPart[]) =>
  streamed.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');

describe('ollama adapter failures', () => {
  it('says how to pull a model Ollama does not have', async () => {
    const streamed = await parts(model({ model: 'qwen3:8b' }).stream(ask));
    const error = lastError(streamed);
    expect(streamed).toHaveLength(1);
    expect(error).toEqual({
      kind: 'http',
      statusCode: 404,
      isRetryable: false,
      message:
        `Ollama at ${server.baseUrl} has no model named "qwen3:8b". Download it with ` +
        '`ollama pull qwen3:8b`, or pick one that `ollama list` shows.',
    });
    expect(server.chatRequests).toHaveLength(1);
  });

  it('reports connection refused after retrying, saying how to start Ollama', async () => {
    await server.close();
    const error = lastError(await parts(model().stream(ask)));
    expect(error).toMatchObject({ kind: 'unreachable', isRetryable: true });
    expect(error.message).toBe(
      `Ollama is not reachable at ${server.baseUrl} (connection refused). Start it ` +
        '(`ollama serve`, or the Ollama app), or pass the right --base-url. Tried 3 times.',
    );
    expect(sleeps).toEqual([375, 750]);
  });

  it('retries a 503 and a 429 before any output, then streams the answer', async () => {
    server.push(
      reply().httpError(503, 'server busy, please try again'),
      reply().httpError(429, 'too many requests', { 'retry-after': '2' }),
      'Ready now.',
    );
    const streamed = await parts(model().stream(ask));
    expect(streamed.filter((part) => part.type === 'error')).toEqual([]);
    expect(text(streamed)).toBe('Ready now.');
    expect(server.chatRequests).toHaveLength(3);
    expect(sleeps).toEqual([375, 2000]);
  });

  it('does not retry a 400, and passes on Ollama’s explanation', async () => {
    server.push(
      reply().httpError(400, 'registry.ollama.ai/library/gemma:2b does not support tools'),
    );
    const error = lastError(await parts(model().stream(ask)));
    expect(error).toMatchObject({ kind: 'http', statusCode: 400, isRetryable: false });
    expect(error.message).toContain('does not support tools');
    expect(server.chatRequests).toHaveLength(1);
  });

  it('reports a connection that dies mid-stream after the output it delivered, without retrying', async () => {
    server.push(reply().text('abcdefghijklmnop').dieAfter(2), 'never sent');
    const streamed = await parts(model().stream(ask));
    expect(text(streamed)).toBe('abcdefgh');
    const error = lastError(streamed);
    expect(error).toMatchObject({ kind: 'stream', isRetryable: true });
    expect(error.message).toContain('broke after the response started');
    expect(server.chatRequests).toHaveLength(1);
    expect(streamed.some((part) => part.type === 'finish')).toBe(false);
  });

  it('retries a connection that dies before any output', async () => {
    server.push(reply().text('lost').dieAfter(0), 'Second try.');
    const streamed = await parts(model().stream(ask));
    expect(streamed.filter((part) => part.type === 'error')).toEqual([]);
    expect(text(streamed)).toBe('Second try.');
    expect(server.chatRequests).toHaveLength(2);
  });

  it('turns an error line into one stream error after the output before it', async () => {
    server.push(streamErrorReply('model runner has unexpectedly stopped', reply().text('Part')));
    const streamed = await parts(model().stream(ask));
    expect(text(streamed)).toBe('Part');
    const error = lastError(streamed);
    expect(error).toMatchObject({ kind: 'stream', isRetryable: false });
    expect(error.message).toBe(
      `The model server at ${server.baseUrl} reported an error during the response: ` +
        'model runner has unexpectedly stopped.',
    );
  });

  it('reports a malformed line as a protocol error', async () => {
    server.push(
      rawBodyReply([
        '{"message":{"role":"assistant","content":"ok"},"done":false}\n',
        '<html>proxy error</html>\n',
      ]),
    );
    const streamed = await parts(model().stream(ask));
    expect(text(streamed)).toBe('ok');
    const error = lastError(streamed);
    expect(error).toMatchObject({ kind: 'protocol', isRetryable: false });
    expect(error.message).toContain('a line is not valid JSON: <html>proxy error</html>');
  });

  it('reports a stream that ends without a done line', async () => {
    server.push(rawBodyReply(['{"message":{"role":"assistant","content":"half"},"done":false}\n']));
    const streamed = await parts(model({ maxRetries: 0 }).stream(ask));
    expect(lastError(streamed)).toMatchObject({ kind: 'stream' });
    expect(lastError(streamed).message).toContain('the response ended before it was complete');
  });

  it('ends with a cancelled error when aborted while Ollama reads the prompt', async () => {
    server.push(reply().hang());
    const controller = new AbortController();
    const stream = model().stream({ ...ask, signal: controller.signal });
    // A trigger, not a timing assertion: the abort may land before or after the request leaves.
    setTimeout(() => controller.abort(), 30);
    const streamed = await parts(stream);
    expect(streamed).toHaveLength(1);
    expect(lastError(streamed)).toMatchObject({ kind: 'cancelled' });
  });

  it('ends with a cancelled error when aborted mid-stream', async () => {
    server.push(reply().text('one two three four five six').delay(20));
    const controller = new AbortController();
    const streamed: StreamPart[] = [];
    for await (const part of model().stream({ ...ask, signal: controller.signal })) {
      streamed.push(part);
      if (part.type === 'text-delta') controller.abort();
    }
    expect(streamed.map((part) => part.type)).toEqual(['text-delta', 'error']);
    expect(lastError(streamed)).toMatchObject({ kind: 'cancelled' });
  });

  it('gives up on a silent Ollama after the idle timeout plus time to read the prompt', async () => {
    server.push(reply().hang());
    const fast = model({ idleTimeoutMs: 20, slowestPromptTokensPerSecond: 1_000_000 });
    const error = lastError(await parts(fast.stream(ask)));
    expect(error).toMatchObject({ kind: 'timeout', isRetryable: false });
    expect(error.message).toMatch(/sent nothing for 2\d ms/);
  });

  it('waits longer for the first byte of a long prompt', async () => {
    server.push('Read it.', 'Read it.');
    /** Ollama reading the prompt: the answer starts 200 ms after the request. */
    const slowPrefill: typeof fetch = async (input, init) => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return fetch(input, init);
    };
    const request = { ...ask, messages: [{ role: 'user' as const, content: 'x'.repeat(3000) }] };
    const patient = model({ fetch: slowPrefill, idleTimeoutMs: 20 });
    expect(text(await parts(patient.stream(request)))).toBe('Read it.');
    const impatient = model({
      fetch: slowPrefill,
      idleTimeoutMs: 20,
      slowestPromptTokensPerSecond: 1_000_000,
    });
    expect(lastError(await parts(impatient.stream(request)))).toMatchObject({ kind: 'timeout' });
  });
});
