import { describe, expect, it } from 'vitest';
import { NumCtxPlanner } from './num-ctx-planner.js';

const planner = (fixedNumCtx?: number) =>
  new NumCtxPlanner({ model: 'qwen2.5-coder:7b', ...(fixedNumCtx ? { fixedNumCtx } : {}) });

describe('NumCtxPlanner', () => {
  it('starts at 8192 at least, so a growing session does not reload the model at once', () => {
    const plan = planner().plan({
      promptTokens: 100,
      maxOutputTokens: undefined,
      contextLength: 32_768,
    });
    expect(plan).toEqual({ fits: true, numCtx: 8192, numPredict: 8092 });
  });

  it('fits a larger prompt and a 4096-token reserve, rounded up to a multiple of 2048', () => {
    const plan = planner().plan({
      promptTokens: 5000,
      maxOutputTokens: undefined,
      contextLength: 32_768,
    });
    expect(plan).toEqual({ fits: true, numCtx: 10_240, numPredict: 5240 });
  });

  it('reserves maxOutputTokens when set, and caps the answer at it', () => {
    const plan = planner().plan({
      promptTokens: 3000,
      maxOutputTokens: 1000,
      contextLength: 32_768,
    });
    expect(plan).toEqual({ fits: true, numCtx: 8192, numPredict: 1000 });
  });

  it('never makes num_ctx smaller than before, and at least doubles it when it must grow', () => {
    const subject = planner();
    const sizes = [10_000, 100, 12_000, 3000].map((promptTokens) => {
      const plan = subject.plan({
        promptTokens,
        maxOutputTokens: undefined,
        contextLength: 32_768,
      });
      return plan.fits ? plan.numCtx : undefined;
    });
    expect(sizes).toEqual([14_336, 14_336, 28_672, 28_672]);
  });

  it('caps num_ctx at the model’s context length, leaving the answer what remains', () => {
    const plan = planner().plan({
      promptTokens: 6000,
      maxOutputTokens: undefined,
      contextLength: 8192,
    });
    expect(plan).toEqual({ fits: true, numCtx: 8192, numPredict: 2192 });
  });

  it('does not cap when the context length is unknown', () => {
    const plan = planner().plan({
      promptTokens: 200_000,
      maxOutputTokens: 100,
      contextLength: undefined,
    });
    expect(plan).toMatchObject({ fits: true, numCtx: 200_704 });
  });

  it('refuses a prompt that leaves less than 1024 tokens for the answer', () => {
    const plan = planner().plan({
      promptTokens: 7500,
      maxOutputTokens: undefined,
      contextLength: 8192,
    });
    expect(plan.fits).toBe(false);
    if (plan.fits) return;
    expect(plan.error).toMatchObject({ kind: 'context', isRetryable: false });
    expect(plan.error.message).toBe(
      'The prompt needs about 7500 tokens plus at least 1024 for the answer, more than the ' +
        '8192-token context window of qwen2.5-coder:7b. It was not sent, since Ollama would ' +
        'silently cut off its start. Shorten the conversation (compact it or start a new ' +
        'session), or use a model with a larger context window.',
    );
  });

  it('needs only maxOutputTokens of room when that is less than 1024', () => {
    const plan = planner().plan({ promptTokens: 7900, maxOutputTokens: 200, contextLength: 8192 });
    expect(plan).toEqual({ fits: true, numCtx: 8192, numPredict: 200 });
  });

  it('sends a fixed num_ctx as it is, and refuses what does not fit it', () => {
    const subject = planner(16_384);
    expect(
      subject.plan({ promptTokens: 100, maxOutputTokens: undefined, contextLength: 32_768 }),
    ).toEqual({
      fits: true,
      numCtx: 16_384,
      numPredict: 16_284,
    });
    const refused = subject.plan({
      promptTokens: 16_000,
      maxOutputTokens: undefined,
      contextLength: 32_768,
    });
    expect(refused).toMatchObject({ fits: false, error: { kind: 'context' } });
    if (!refused.fits) expect(refused.error.message).toContain('raise num_ctx');
  });
});
