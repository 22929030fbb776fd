import type { StreamPart } from '@outpost/protocol';
import { describe, expect, it } from 'vitest';
import { ThinkTagSplitter } from './think-tag-splitter.js';

/** Feeds `deltas` and joins the output by type. */
function split(deltas: string[]): { reasoning: string; text: string; parts: StreamPart[] } {
  const splitter = new ThinkTagSplitter();
  const parts = [...deltas.flatMap((delta) => splitter.push(delta)), ...splitter.flush()];
  const join = (type: StreamPart['type']) =>
    parts.map((part) => (part.type === type && 'text' in part ? part.text : '')).join('');
  return { reasoning: join('reasoning-delta'), text: join('text-delta'), parts };
}

describe('ThinkTagSplitter', () => {
  it('passes plain text straight through, delta by delta', () => {
    const { parts } = split(['Hell', 'o th', 'ere']);
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Hell' },
      { type: 'text-delta', text: 'o th' },
      { type: 'text-delta', text: 'ere' },
    ]);
  });

  it('turns a leading think block into reasoning, even with tags split across deltas', () => {
    const result = split(['<th', 'ink>The user ', 'wants x.</th', 'ink>\n\n', 'Here is x.']);
    expect(result.reasoning).toBe('The user wants x.');
    expect(result.text).toBe('Here is x.');
  });

  it('streams reasoning before the block is closed', () => {
    const splitter = new ThinkTagSplitter();
    expect(splitter.push('<think>Step one. Step')).toEqual([
      { type: 'reasoning-delta', text: 'Step one. Step' },
    ]);
  });

  it('leaves a think tag after the start of the answer as text', () => {
    expect(split(['Use <think> tags', ' like <think>this</think>.']).text).toBe(
      'Use <think> tags like <think>this</think>.',
    );
  });

  it('gives back text held as a possible tag when the content ends', () => {
    expect(split(['<thi'])).toMatchObject({ text: '<thi', reasoning: '' });
    expect(split(['<think>unfinished </thi'])).toMatchObject({
      reasoning: 'unfinished </thi',
      text: '',
    });
  });
});
