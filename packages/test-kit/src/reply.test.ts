import { describe, expect, it } from 'vitest';
import { reply, toReplyScript } from './reply.js';
import { replyChunks, replyUsage } from './reply-chunks.js';

describe('reply()', () => {
  it('is immutable: deriving a variant leaves the base reply as it was', () => {
    const base = reply().text('Hello');
    const variant = base.toolCall('read_file', { path: 'a.ts' }).delay(5);
    expect(base.script.content).toEqual([{ type: 'text', text: 'Hello' }]);
    expect(base.script.delayMs).toBe(0);
    expect(variant.script.content).toHaveLength(2);
  });

  it('reads a plain string as a text reply', () => {
    expect(toReplyScript('Hi').content).toEqual([{ type: 'text', text: 'Hi' }]);
  });

  it('cuts text and tool arguments into small chunks, then finish and usage', () => {
    const script = reply().text('Hello world').toolCall('edit', { path: 'src/a.ts' }).script;
    const chunks = replyChunks(script, { idPrefix: 'call_1', includeUsage: true });
    expect(chunks.filter((chunk) => chunk.type === 'text').length).toBeGreaterThan(1);
    expect(chunks.filter((chunk) => chunk.type === 'tool-call-arguments').length).toBeGreaterThan(
      1,
    );
    expect(chunks.find((chunk) => chunk.type === 'tool-call-start')).toMatchObject({
      id: 'call_1_0',
      name: 'edit',
      arguments: '',
    });
    expect(chunks.slice(-2).map((chunk) => chunk.type)).toEqual(['finish', 'usage']);
    expect(chunks.at(-2)).toEqual({ type: 'finish', reason: 'tool-calls' });
  });

  it('sends a tool call in one chunk with chunkSize(Infinity), without id when withheld', () => {
    const script = reply().toolCall('edit', { path: 'a' }).chunkSize(Infinity).withoutToolCallIds();
    const chunks = replyChunks(script.script, { idPrefix: 'call_1', includeUsage: false });
    expect(chunks).toEqual([
      { type: 'tool-call-start', index: 0, id: undefined, name: 'edit', arguments: '{"path":"a"}' },
      { type: 'finish', reason: 'tool-calls' },
    ]);
  });

  it('defaults usage to plausible numbers and keeps scripted usage as given', () => {
    expect(replyUsage(reply().text('x'.repeat(40)).script)).toEqual({
      inputTokens: 100,
      outputTokens: 10,
    });
    const scripted = reply().usage({ inputTokens: 5, outputTokens: 6 }).script;
    expect(replyUsage(scripted)).toEqual({ inputTokens: 5, outputTokens: 6 });
  });

  it('rejects a chunk size below one', () => {
    expect(() => reply().chunkSize(0)).toThrow(RangeError);
  });
});
