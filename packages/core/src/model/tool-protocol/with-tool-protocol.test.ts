import type { ModelRequest, StreamPart, ToolSpec } from '@outpost/protocol';
import { FakeLanguageModel, reply } from '@outpost/test-kit';
import { describe, expect, it } from 'vitest';
import { collectStream } from '../stream-result.js';
import { chooseToolProtocol, supportsToolProtocol } from './tool-protocol.js';
import { withToolProtocol } from './with-tool-protocol.js';

const tools: ToolSpec[] = [
  {
    name: 'read_file',
    description: 'Read a text file in the project.',
    inputSchema: {
      type: 'object',
      properties: { path: { type: 'string' } },
      required: ['path'],
    },
  },
];

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    messages: [
      { role: 'system', content: 'You are Outpost.' },
      { role: 'user', content: 'Fix calc.py.' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"calc.py"}' }],
      },
      {
        role: 'tool',
        toolCallId: 'c1',
        toolName: 'read_file',
        content: 'def add(a, b): return a - b',
      },
    ],
    tools,
    ...overrides,
  };
}

let counter = 0;
const generateId = () => `call_${++counter}`;

describe('choosing a tool protocol', () => {
  it('prefers native, then constrained, then text', () => {
    const base = { nativeTools: false, jsonSchema: false, grammar: false, embeddings: false };
    expect(chooseToolProtocol({ ...base, nativeTools: true, jsonSchema: true })).toBe('native');
    expect(chooseToolProtocol({ ...base, grammar: true })).toBe('constrained');
    expect(chooseToolProtocol({ ...base, jsonSchema: true })).toBe('constrained');
    expect(chooseToolProtocol(base)).toBe('text');
    expect(supportsToolProtocol(base, 'native')).toBe(false);
    expect(supportsToolProtocol(base, 'text')).toBe(true);
  });
});

describe('the constrained protocol', () => {
  it('sends no native tools, a schema, and the conversation rewritten as plain turns', async () => {
    const inner = new FakeLanguageModel({ capabilities: { nativeTools: false, grammar: true } });
    inner.push(reply().text('{"answer": "Done."}'));
    const model = withToolProtocol(inner, 'constrained', { generateId });
    await collectStream(model.stream(request()));

    const sent = inner.calls[0];
    expect(sent?.tools).toEqual([]);
    expect(sent?.responseFormat?.type).toBe('json-schema');
    expect(JSON.stringify(sent?.responseFormat?.schema)).toContain('"const":"read_file"');
    const [system, user, assistant, result] = sent?.messages ?? [];
    expect(system?.content).toContain('You are Outpost.');
    expect(system?.content).toContain('## read_file\nRead a text file in the project.');
    expect(user).toEqual({ role: 'user', content: 'Fix calc.py.' });
    expect(assistant).toEqual({
      role: 'assistant',
      content: '{"tool":"read_file","arguments":{"path":"calc.py"}}',
      toolCalls: [],
    });
    expect(result).toEqual({
      role: 'user',
      content: 'Result of read_file:\ndef add(a, b): return a - b',
    });
  });

  it('keeps the rewritten prefix byte-identical from one request to the next', async () => {
    const inner = new FakeLanguageModel({ capabilities: { nativeTools: false, grammar: true } });
    inner.push(reply().text('{"answer": "a"}'), reply().text('{"answer": "b"}'));
    const model = withToolProtocol(inner, 'constrained', { generateId });
    const first = request();
    await collectStream(model.stream(first));
    const second = request({
      messages: [
        ...first.messages,
        { role: 'assistant', content: 'a', toolCalls: [] },
        { role: 'user', content: 'Thanks' },
      ],
    });
    await collectStream(model.stream(second));
    const [one, two] = inner.calls.map((call) => JSON.stringify(call.messages));
    expect(two?.startsWith(one?.slice(0, -1) ?? 'x')).toBe(true);
  });

  it('turns a JSON tool call into a tool-call part, and an answer into text', async () => {
    const inner = new FakeLanguageModel({ capabilities: { nativeTools: false, grammar: true } });
    inner.push(
      reply()
        .text('{"tool": "read_file", ')
        .text('"arguments": {"path": "calc.py"}}')
        .finish('stop'),
      reply().text('{"answer": "The bug is fixed."}'),
    );
    const model = withToolProtocol(inner, 'constrained', { generateId });
    const call = await collectStream(model.stream(request()));
    expect(call.toolCalls).toEqual([
      {
        id: expect.stringMatching(/^call_/) as string,
        name: 'read_file',
        arguments: '{"path":"calc.py"}',
      },
    ]);
    expect(call.text).toBe('');
    expect(call.finishReason).toBe('tool-calls');
    const answer = await collectStream(model.stream(request()));
    expect(answer.text).toBe('The bug is fixed.');
    expect(answer.toolCalls).toEqual([]);
  });

  it('marks a reply cut off mid-JSON as a malformed call with a repair message', async () => {
    const inner = new FakeLanguageModel({ capabilities: { nativeTools: false, grammar: true } });
    inner.push(reply().text('{"tool": "read_file", "argu').finish('length'));
    const model = withToolProtocol(inner, 'constrained', { generateId });
    const result = await collectStream(model.stream(request()));
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]?.malformed).toMatch(/not one complete JSON object/);
    expect(result.finishReason).toBe('length');
  });

  it('passes an error through and stops', async () => {
    const inner = new FakeLanguageModel({ capabilities: { nativeTools: false, grammar: true } });
    inner.push(reply().text('{"answer"').dieAfter(1));
    const model = withToolProtocol(inner, 'constrained', { generateId });
    const parts: StreamPart[] = [];
    for await (const part of model.stream(request())) parts.push(part);
    expect(parts.at(-1)?.type).toBe('error');
    expect(parts.some((part) => part.type === 'tool-call')).toBe(false);
  });
});

describe('the native protocol', () => {
  it('leaves the model untouched', () => {
    const inner = new FakeLanguageModel();
    expect(withToolProtocol(inner, 'native')).toBe(inner);
  });
});

describe('the text protocol', () => {
  it('teaches the fenced format and writes earlier calls back as tool blocks', async () => {
    const inner = new FakeLanguageModel({ capabilities: { nativeTools: false } });
    inner.push(reply().text('All done.'));
    const model = withToolProtocol(inner, 'text', { generateId });
    const result = await collectStream(model.stream(request()));
    expect(result.text).toBe('All done.');
    const sent = inner.calls[0];
    expect(sent?.tools).toEqual([]);
    expect(sent?.responseFormat).toBeUndefined();
    expect(sent?.messages[0]?.content).toContain('```tool');
    expect(sent?.messages[2]?.content).toContain('"name": "read_file"');
    expect(sent?.messages[3]?.content).toBe('Result of read_file:\ndef add(a, b): return a - b');
  });

  it('streams the prose, holds back the tool block, and turns it into a call', async () => {
    const inner = new FakeLanguageModel({ capabilities: { nativeTools: false } });
    inner.push(
      reply()
        .text('Let me look at the file.\n')
        .text('```tool\n{"name": "read_file", ')
        .text('"arguments": {"path": "calc.py"}}\n```\n'),
    );
    const model = withToolProtocol(inner, 'text', { generateId });
    const deltas: string[] = [];
    const result = await collectStream(model.stream(request()), (part) => {
      if (part.type === 'text-delta') deltas.push(part.text);
    });
    expect(deltas.join('')).not.toContain('```');
    expect(result.text.trim()).toBe('Let me look at the file.');
    expect(result.toolCalls).toEqual([
      {
        id: expect.stringMatching(/^call_/) as string,
        name: 'read_file',
        arguments: '{"path":"calc.py"}',
      },
    ]);
    expect(result.finishReason).toBe('tool-calls');
  });

  it('keeps a code block in a final answer as text', async () => {
    const inner = new FakeLanguageModel({ capabilities: { nativeTools: false } });
    const answer = 'The fix:\n```python\ndef add(a, b):\n    return a + b\n```\n';
    inner.push(reply().text(answer));
    const result = await collectStream(withToolProtocol(inner, 'text').stream(request()));
    expect(result.text).toBe(answer);
    expect(result.toolCalls).toEqual([]);
  });

  it('answers a malformed block with a repair message the loop can return', async () => {
    const inner = new FakeLanguageModel({ capabilities: { nativeTools: false } });
    inner.push(reply().text('```tool\n{"arguments": {"path": "calc.py"}}\n```'));
    const result = await collectStream(withToolProtocol(inner, 'text').stream(request()));
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]?.malformed).toMatch(/could not be read/);
  });
});
