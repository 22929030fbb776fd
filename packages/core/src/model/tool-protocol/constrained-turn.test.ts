import type { ToolSpec } from '@outpost/protocol';
import { describe, expect, it } from 'vitest';
import {
  constrainedTurnSchema,
  formatConstrainedAnswer,
  formatConstrainedCall,
  parseConstrainedTurn,
} from './constrained-turn.js';

const tools: ToolSpec[] = [
  {
    name: 'read_file',
    description: 'Read a file.',
    inputSchema: {
      type: 'object',
      properties: { path: { type: 'string' }, offset: { type: 'integer' } },
      required: ['path'],
    },
  },
  {
    name: 'list_files',
    description: 'List files.',
    inputSchema: { type: 'object', properties: {} },
  },
];

describe('the constrained reply schema', () => {
  it('offers one branch per tool, keyed by a constant name, and an answer branch', () => {
    const schema = constrainedTurnSchema(tools) as { oneOf: Record<string, unknown>[] };
    expect(schema.oneOf).toHaveLength(3);
    expect(schema.oneOf[0]).toMatchObject({
      properties: { tool: { const: 'read_file' }, arguments: tools[0]?.inputSchema },
      required: ['tool', 'arguments'],
      additionalProperties: false,
    });
    expect(schema.oneOf[2]).toMatchObject({ properties: { answer: { type: 'string' } } });
  });
});

describe('parseConstrainedTurn', () => {
  it('reads a tool call and drops optional arguments the grammar made null', () => {
    const turn = parseConstrainedTurn(
      ' {"tool": "read_file", "arguments": {"path": "a.py", "offset": null}} ',
      tools,
    );
    expect(turn).toEqual({ kind: 'call', name: 'read_file', arguments: '{"path":"a.py"}' });
  });

  it('keeps a null the tool requires, so validation can say what is wrong', () => {
    const turn = parseConstrainedTurn('{"tool": "read_file", "arguments": {"path": null}}', tools);
    expect(turn).toEqual({ kind: 'call', name: 'read_file', arguments: '{"path":null}' });
  });

  it('reads an answer', () => {
    expect(parseConstrainedTurn('{"answer": "Fixed it."}', tools)).toEqual({
      kind: 'answer',
      text: 'Fixed it.',
    });
  });

  it.each([
    ['', /it was empty/],
    ['{"tool": "read_file", "argum', /not one complete JSON object/],
    ['[1, 2]', /not a JSON object/],
    ['{"arguments": {}}', /names no tool/],
    ['{"tool": "read_file", "arguments": "a.py"}', /arguments of read_file must be a JSON object/],
  ])('answers %j with a short repair message', (text, message) => {
    const turn = parseConstrainedTurn(text, tools);
    expect(turn.kind).toBe('malformed');
    if (turn.kind === 'malformed') {
      expect(turn.message).toMatch(message);
      expect(turn.message).toContain('{"tool": "<name>", "arguments": {...}}');
      expect(turn.message.length).toBeLessThan(200);
    }
  });

  it('writes earlier turns back in the same shape the model was asked for', () => {
    expect(formatConstrainedCall('read_file', '{"path":"a.py"}')).toBe(
      '{"tool":"read_file","arguments":{"path":"a.py"}}',
    );
    expect(formatConstrainedCall('read_file', 'not json')).toBe(
      '{"tool":"read_file","arguments":{}}',
    );
    expect(formatConstrainedAnswer('Done.')).toBe('{"answer":"Done."}');
  });
});
