import type { ModelRequest, StreamPart } from '@outpost/protocol';
import { describe, expect, it } from 'vitest';
import { runModelContract } from './contracts/model-contract.js';
import { FakeLanguageModel } from './fake-language-model.js';
import { reply } from './reply.js';

runModelContract('FakeLanguageModel', () => {
  const model = new FakeLanguageModel();
  return Promise.resolve({ model, script: (...replies) => void model.push(...replies) });
});

const ask = (content: string): ModelRequest => ({
  messages: [{ role: 'user', content }],
  tools: [],
});

async function collect(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('FakeLanguageModel', () => {
  it('records each request with a copy of its messages', async () => {
    const model = new FakeLanguageModel({ replies: ['one', 'two'] });
    const request = ask('first');
    await collect(model.stream(request));
    request.messages.push({ role: 'user', content: 'added later' });
    await collect(model.stream(ask('second')));
    expect(model.calls.map((call) => call.messages)).toEqual([
      [{ role: 'user', content: 'first' }],
      [{ role: 'user', content: 'second' }],
    ]);
  });

  it('asks the responder once the queue is empty', async () => {
    const model = new FakeLanguageModel({ replies: ['queued'] });
    model.respond((request) => `echo: ${request.messages.at(-1)?.content ?? ''}`);
    const texts = [];
    for (const content of ['a', 'b']) {
      const parts = await collect(model.stream(ask(content)));
      texts.push(parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join(''));
    }
    expect(texts).toEqual(['queued', 'echo: b']);
    expect(model.queued).toBe(0);
  });

  it('reports an exhausted script as an error part that says so', async () => {
    const model = new FakeLanguageModel();
    const parts = await collect(model.stream(ask('hello')));
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ type: 'error', error: { kind: 'protocol' } });
    expect(parts[0]?.type === 'error' && parts[0].error.message).toMatch(/script is exhausted/);
  });

  it('ends with a stream error after the chunks before dieAfter', async () => {
    const model = new FakeLanguageModel({ replies: [reply().text('abcdefghijkl').dieAfter(2)] });
    const parts = await collect(model.stream(ask('hello')));
    expect(parts.map((part) => part.type)).toEqual(['text-delta', 'text-delta', 'error']);
    expect(parts[2]).toMatchObject({ error: { kind: 'stream', isRetryable: true } });
  });

  it('marks overload statuses retryable and client errors not', async () => {
    const model = new FakeLanguageModel({
      replies: [reply().httpError(503, 'Loading model'), reply().httpError(401, 'bad key')],
    });
    const [overloaded] = await collect(model.stream(ask('a')));
    const [unauthorised] = await collect(model.stream(ask('b')));
    expect(overloaded).toMatchObject({ error: { statusCode: 503, isRetryable: true } });
    expect(unauthorised).toMatchObject({ error: { statusCode: 401, isRetryable: false } });
  });

  it('reports the finish reason a script overrides', async () => {
    const model = new FakeLanguageModel({
      replies: [reply().toolCall('read_file', {}).finish('stop')],
    });
    const parts = await collect(model.stream(ask('a')));
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('takes its context window and capabilities from the options', async () => {
    const model = new FakeLanguageModel({
      modelId: 'tiny',
      contextWindow: 4096,
      capabilities: { nativeTools: false, grammar: true },
    });
    expect(await model.contextWindow()).toBe(4096);
    expect(model.modelId).toBe('tiny');
    expect(model.capabilities).toEqual({
      nativeTools: false,
      jsonSchema: false,
      grammar: true,
      embeddings: false,
    });
    expect(await model.countTokens('12345678')).toBe(2);
  });
});
