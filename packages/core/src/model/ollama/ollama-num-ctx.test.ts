import type { ModelMessage, ModelRequest, ToolSpec } from '@outpost/protocol';
import { type FakeOllamaServer, startFakeOllamaServer } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectStream } from '../stream-result.js';
import { type OllamaModelOptions, createOllamaModel } from './ollama-model.js';
import { estimateOllamaPromptTokens } from './ollama-prompt-size.js';

let server: FakeOllamaServer;

beforeEach(async () => {
  server = await startFakeOllamaServer({
    models: [
      { name: 'qwen2.5-coder:7b', contextLength: 32_768 },
      { name: 'small:1b', contextLength: 8192 },
    ],
    // A harsh tokenizer (real ones average about 4): the sizing must hold even so.
    charactersPerToken: 3.2,
  });
  server.respond(() => 'Noted.');
});

afterEach(async () => {
  await server.close();
});

function model(options: Partial<OllamaModelOptions> = {}) {
  return createOllamaModel({
    baseUrl: server.baseUrl,
    model: 'qwen2.5-coder:7b',
    sleep: () => Promise.resolve(),
    ...options,
  });
}

const writeFile: ToolSpec = {
  name: 'write_file',
  description: 'Write a file of the project, replacing what it held.',
  inputSchema: {
    type: 'object',
    properties: { path: { type: 'string' }, content: { type: 'string' } },
    required: ['path', 'content'],
  },
};

/** Some source-like text of `characters` characters. */
function source(characters: number, seed: number): string {
  const line = `export function step${seed}(value: number): number { return value * ${seed} + 1; }\n`;
  return line.repeat(Math.ceil(characters / line.length)).slice(0, characters);
}

const numCtxSent = () =>
  server.chatRequests.map(
    (request) => (request.body as { options: { num_ctx: number } }).options.num_ctx,
  );

describe('ollama num_ctx', () => {
  it('sizes num_ctx to the prompt plus room for the answer, in steps of 2048', async () => {
    const request: ModelRequest = {
      messages: [{ role: 'user', content: source(9000, 1) }],
      tools: [writeFile],
    };
    const result = await collectStream(model().stream(request));
    expect(result.error).toBeUndefined();
    const prompt = estimateOllamaPromptTokens(request);
    const expected = Math.max(8192, Math.ceil((prompt + 4096) / 2048) * 2048);
    expect(numCtxSent()).toEqual([expected]);
    expect(server.chatRequests[0]?.body).toMatchObject({
      options: { num_ctx: expected, num_predict: expected - prompt },
    });
  });

  it('never lets the fake truncate while a conversation grows over many turns', async () => {
    const subject = model();
    const messages: ModelMessage[] = [{ role: 'system', content: source(3000, 0) }];
    for (let turn = 1; turn <= 12; turn++) {
      messages.push({ role: 'user', content: `Turn ${turn}: ${source(1500, turn)}` });
      const request = { messages: [...messages], tools: [writeFile] };
      const result = await collectStream(subject.stream(request));
      expect(result.error).toBeUndefined();
      messages.push({
        role: 'assistant',
        content: result.text,
        toolCalls: [
          {
            id: `call_${turn}`,
            name: 'write_file',
            arguments: JSON.stringify({ path: `f${turn}.ts`, content: source(800, turn) }),
          },
        ],
      });
      messages.push({
        role: 'tool',
        toolCallId: `call_${turn}`,
        toolName: 'write_file',
        content: 'Written.',
      });
    }
    const requests = server.chatRequests;
    expect(requests).toHaveLength(12);
    expect(requests.map((request) => request.truncated)).toEqual(Array(12).fill(false));
    // Without num_ctx, Ollama's 2048-token default would have cut most of these prompts.
    expect(requests.filter((request) => (request.promptTokens ?? 0) > 2048).length).toBeGreaterThan(
      8,
    );
    const sizes = numCtxSent();
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(sizes.every((size) => size % 2048 === 0 && size <= 32_768)).toBe(true);
    // Growing in 2048-token steps, the model was reloaded far less often than asked.
    expect(server.loads).toBe(new Set(sizes).size);
    expect(server.loads).toBeLessThan(12);
  });

  it('caps num_ctx at the model’s context length', async () => {
    const request: ModelRequest = {
      messages: [{ role: 'user', content: source(15_000, 2) }],
      tools: [],
    };
    const result = await collectStream(model({ model: 'small:1b' }).stream(request));
    expect(result.error).toBeUndefined();
    expect(numCtxSent()).toEqual([8192]);
    expect(server.chatRequests[0]?.truncated).toBe(false);
  });

  it('refuses a prompt too long for the model without sending it', async () => {
    const request: ModelRequest = {
      messages: [{ role: 'user', content: source(30_000, 3) }],
      tools: [],
    };
    const result = await collectStream(model({ model: 'small:1b' }).stream(request));
    expect(result.error).toMatchObject({ kind: 'context', isRetryable: false });
    expect(result.error?.message).toContain(`about ${estimateOllamaPromptTokens(request)} tokens`);
    expect(result.error?.message).toContain('8192-token context window of small:1b');
    expect(server.chatRequests).toHaveLength(0);
    expect(result.finishReason).toBeUndefined();
  });

  it('uses the contextLength option over the model’s own', async () => {
    const request: ModelRequest = {
      messages: [{ role: 'user', content: source(18_000, 4) }],
      tools: [],
    };
    const result = await collectStream(model({ contextLength: 6144 }).stream(request));
    expect(result.error).toMatchObject({ kind: 'context' });
    expect(server.requests).toHaveLength(0);
  });

  it('sends a fixed numCtx on every request', async () => {
    const subject = model({ numCtx: 12_288 });
    await collectStream(subject.stream({ messages: [{ role: 'user', content: 'Hi' }], tools: [] }));
    await collectStream(
      subject.stream({ messages: [{ role: 'user', content: source(20_000, 5) }], tools: [] }),
    );
    expect(numCtxSent()).toEqual([12_288, 12_288]);
  });
});
