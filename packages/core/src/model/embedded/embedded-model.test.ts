import type { ModelMessage, ModelRequest, StreamPart, Usage } from '@outpost/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { estimateTokens } from '../token-estimate.js';
import { createEmbeddedModel, type EmbeddedModel } from './embedded-model.js';
import { fixtureModelPath } from '@outpost/test-kit';

/** A 260K-parameter TinyStories GGUF (see ../shared/fixtures/models/README.md). */
const modelPath = fixtureModelPath();

const story: ModelMessage[] = [
  { role: 'system', content: 'You tell short stories to children.' },
  { role: 'user', content: 'Tell me a story about a cat and a ball.' },
];

function request(messages: ModelMessage[], extra: Partial<ModelRequest> = {}): ModelRequest {
  return { messages, tools: [], ...extra };
}

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const result: StreamPart[] = [];
  for await (const part of parts) result.push(part);
  return result;
}

function textOf(parts: StreamPart[]): string {
  return parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
}

function usageOf(parts: StreamPart[]): Usage {
  const part = parts.find((item) => item.type === 'usage');
  if (part?.type !== 'usage') throw new Error(`no usage part in ${JSON.stringify(parts)}`);
  return part.usage;
}

describe('createEmbeddedModel on a real GGUF', () => {
  const logs: string[] = [];
  let model: EmbeddedModel;
  beforeAll(() => {
    model = createEmbeddedModel({
      modelPath,
      threads: 1,
      onLog: (level, message) => logs.push(`${level}: ${message}`),
    });
  });
  afterAll(() => model.dispose());

  it('loads nothing until first used, then loads once', async () => {
    expect(model.provider).toBe('embedded');
    expect(model.modelId).toBe('stories260K');
    expect(model.capabilities).toEqual({
      nativeTools: false,
      jsonSchema: true,
      grammar: true,
      embeddings: false,
    });
    expect(model.stats()).toMatchObject({ loaded: false, loading: false, calls: 0 });

    const window = model.contextWindow();
    expect(model.stats().loading).toBe(true);
    await Promise.all([window, model.countTokens('a'), model.contextWindow()]);

    expect(model.stats()).toMatchObject({ loaded: true, loading: false, threads: 1 });
    // llama.cpp's load-time warnings reach onLog instead of the terminal.
    expect(logs.filter((line) => line.includes('bad special token'))).toHaveLength(2);
  });

  it("reports the created context's size: the training size, under the 8,192 cap", async () => {
    const window = await model.contextWindow();
    const stats = model.stats();
    expect(window).toBe(stats.contextSize);
    expect(window).toBe(stats.trainContextSize);
    expect(window).toBe(2048);
  });

  it("counts tokens with the model's own tokenizer", async () => {
    const text = 'Once upon a time, there was a little girl named Lily. She loved her red ball.';
    const count = await model.countTokens(text);
    // The 512-token vocabulary splits words far finer than the 4-characters-per-token estimate.
    expect(count).toBeGreaterThan(estimateTokens(text));
    expect(await model.countTokens('')).toBe(0);
    expect(await model.countTokens(text + text)).toBeGreaterThan(count);
  });

  it('streams the reply as text deltas, then usage and finish', async () => {
    const parts = await collect(model.stream(request(story, { maxOutputTokens: 12 })));

    const deltas = parts.filter((part) => part.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(textOf(parts).trim()).not.toBe('');
    expect(parts.slice(deltas.length).map((part) => part.type)).toEqual(['usage', 'finish']);
    const usage = usageOf(parts);
    expect(usage.inputTokens).toBeGreaterThan(10);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeLessThanOrEqual(12);
    expect(usage.evaluatedInputTokens).toBeLessThanOrEqual(usage.inputTokens);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'length' });
    expect(model.stats().lastUsage).toEqual(usage);
  });

  it('holds the reply to a JSON schema with a grammar', async () => {
    const warn = vi.spyOn(console, 'warn');
    const readFileCall = {
      type: 'object',
      properties: {
        tool: { const: 'read_file' },
        arguments: {
          type: 'object',
          properties: {
            path: { type: 'string', description: 'Relative path', maxLength: 40 },
            offset: { type: 'integer', minimum: 1 },
          },
          required: ['path'],
          additionalProperties: false,
        },
      },
      required: ['tool', 'arguments'],
    };
    const turn = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      description: 'Call a tool or answer.',
      oneOf: [
        readFileCall,
        {
          type: 'object',
          properties: { answer: { type: 'string', maxLength: 80 } },
          required: ['answer'],
        },
      ],
    };
    const ReadFileCall = z
      .object({
        tool: z.literal('read_file'),
        // An optional argument may come back null; the caller drops it.
        arguments: z.object({ path: z.string(), offset: z.number().int().nullable() }).strict(),
      })
      .strict();
    const Turn = z.union([ReadFileCall, z.object({ answer: z.string() }).strict()]);
    const cases = [
      { messages: story, schema: turn, shape: Turn },
      { messages: [{ role: 'user' as const, content: 'Read a.txt' }], schema: turn, shape: Turn },
      { messages: story, schema: readFileCall, shape: ReadFileCall },
    ];

    for (const { messages, schema, shape } of cases) {
      const parts = await collect(
        model.stream(
          request(messages, {
            maxOutputTokens: 200,
            responseFormat: { type: 'json-schema', name: 'outpost_turn', schema },
          }),
        ),
      );

      expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
      const reply: unknown = JSON.parse(textOf(parts));
      expect(shape.safeParse(reply).success, JSON.stringify(reply)).toBe(true);
    }
    // The converted schemas use only what node-llama-cpp supports: it warned about nothing.
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('evaluates only the new tokens of a turn that extends the previous one', async () => {
    const first = await collect(model.stream(request(story, { maxOutputTokens: 30 })));
    const firstUsage = usageOf(first);
    const followUp: ModelMessage[] = [
      ...story,
      { role: 'assistant', content: textOf(first), toolCalls: [] },
      { role: 'user', content: 'What happened next to the cat?' },
    ];

    const second = await collect(model.stream(request(followUp, { maxOutputTokens: 10 })));

    const usage = usageOf(second);
    expect(usage.inputTokens).toBeGreaterThan(firstUsage.inputTokens + firstUsage.outputTokens);
    // At least the whole first prompt came from the kept state, not evaluated again.
    expect(usage.evaluatedInputTokens).toBeGreaterThan(0);
    expect(usage.evaluatedInputTokens).toBeLessThanOrEqual(
      usage.inputTokens - firstUsage.inputTokens,
    );
  });

  it('stops generating when the signal aborts mid-stream', async () => {
    const controller = new AbortController();
    const parts: StreamPart[] = [];
    for await (const part of model.stream(
      request(story, { maxOutputTokens: 1000, signal: controller.signal }),
    )) {
      parts.push(part);
      if (part.type === 'text-delta') controller.abort();
    }

    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { kind: 'cancelled' } });
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
    expect(parts.filter((part) => part.type === 'text-delta').length).toBeLessThan(20);
    // The sequence is free again for the next call.
    const next = await collect(model.stream(request(story, { maxOutputTokens: 3 })));
    expect(next.at(-1)).toEqual({ type: 'finish', reason: 'length' });
  });

  it('reports a call whose signal was aborted before it started as cancelled', async () => {
    const parts = await collect(
      model.stream(request(story, { signal: AbortSignal.abort(new Error('user quit')) })),
    );
    expect(parts).toEqual([
      { type: 'error', error: expect.objectContaining({ kind: 'cancelled' }) as unknown },
    ]);
  });

  it('stops generating when the consumer stops reading', async () => {
    for await (const part of model.stream(request(story, { maxOutputTokens: 1000 }))) {
      if (part.type === 'text-delta') break;
    }
    const next = await collect(model.stream(request(story, { maxOutputTokens: 3 })));
    expect(next.at(-1)).toEqual({ type: 'finish', reason: 'length' });
  });

  it('runs concurrent calls one after the other on its one sequence', async () => {
    const [first, second] = await Promise.all([
      collect(model.stream(request(story, { maxOutputTokens: 5 }))),
      collect(
        model.stream(
          request([{ role: 'user', content: 'A dog.' }], { maxOutputTokens: 5, temperature: 0.8 }),
        ),
      ),
    ]);
    expect(first.at(-1)).toEqual({ type: 'finish', reason: 'length' });
    expect(second.at(-1)).toEqual({ type: 'finish', reason: 'length' });
  });

  it('refuses a prompt larger than the context window with a context error', async () => {
    const long = 'Once upon a time there was a big red ball in the park. '.repeat(300);
    const needed = await model.countTokens(long);
    expect(needed).toBeGreaterThan(2048);

    const parts = await collect(model.stream(request([{ role: 'user', content: long }])));

    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ type: 'error', error: { kind: 'context' } });
    const message = parts[0]?.type === 'error' ? parts[0].error.message : '';
    expect(message).toMatch(/needs \d+ tokens .* holds 2048/);
  });
});

describe('createEmbeddedModel with options', () => {
  it('uses the context size it was given and caps the reply to the room left', async () => {
    const model = createEmbeddedModel({ modelPath, name: 'tiny', contextSize: 256, threads: 1 });
    try {
      expect(model.modelId).toBe('tiny');
      expect(await model.contextWindow()).toBe(256);

      // A prompt that leaves about 20 tokens of the window for the reply.
      let content = 'The cat sat.';
      const promptSize = async () =>
        (await collect(model.stream(request([{ role: 'user', content }], { maxOutputTokens: 1 }))))
          .filter((part) => part.type === 'usage')
          .map((part) => (part.type === 'usage' ? part.usage.inputTokens : 0))[0] ?? 0;
      while ((await promptSize()) < 230) content += ' The cat sat.';
      const inputTokens = await promptSize();

      const parts = await collect(
        model.stream(request([{ role: 'user', content }], { maxOutputTokens: 500 })),
      );

      expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'length' });
      const usage = usageOf(parts);
      expect(usage.inputTokens).toBe(inputTokens);
      expect(usage.outputTokens).toBeLessThanOrEqual(256 - inputTokens);
    } finally {
      await model.dispose();
    }
  });

  it('frees everything on dispose, twice is fine, and later calls say it was disposed', async () => {
    const logs: string[] = [];
    const model = createEmbeddedModel({
      modelPath,
      threads: 1,
      onLog: (_level, message) => logs.push(message),
    });
    expect(await model.countTokens('hello')).toBeGreaterThan(0);
    expect(model.stats().loaded).toBe(true);
    // Log lines still reach onLog for a model loaded after others were disposed.
    expect(logs.filter((line) => line.includes('bad special token'))).toHaveLength(2);

    await Promise.all([model.dispose(), model.dispose()]);
    await model.dispose();

    expect(model.stats()).toMatchObject({ loaded: false, disposed: true });
    const parts = await collect(model.stream(request(story)));
    expect(parts).toEqual([
      { type: 'error', error: expect.objectContaining({ kind: 'unreachable' }) as unknown },
    ]);
    expect(await model.contextWindow()).toBeUndefined();
  });

  it('disposes an adapter that never loaded without loading it', async () => {
    const model = createEmbeddedModel({ modelPath });
    await model.dispose();
    expect(model.stats()).toMatchObject({ loaded: false, loading: false, disposed: true });
  });
});
