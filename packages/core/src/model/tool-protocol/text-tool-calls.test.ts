import { describe, expect, it } from 'vitest';
import { malformedToolCallCorpus, type ExpectedCall } from './__fixtures__/malformed-tool-calls.js';
import { readLenientJson } from './text-tool-call-json.js';
import {
  formatTextToolCall,
  parseTextToolCalls,
  type ParsedTextToolCall,
} from './text-tool-calls.js';

const fence = '```';
const tools = ['read_file', 'write_file', 'run_command', 'list_directory'];

/** Calls as comparable values: arguments parsed, malformed entries reduced to a marker. */
function summarise(calls: readonly ParsedTextToolCall[]): ExpectedCall[] {
  return calls.map((call) =>
    'malformed' in call
      ? 'malformed'
      : { name: call.name, arguments: JSON.parse(call.arguments) as Record<string, unknown> },
  );
}

function parse(output: string, names: readonly string[] = tools) {
  const result = parseTextToolCalls(output, names);
  return { text: result.text, calls: summarise(result.calls), raw: result.calls };
}

const readFile = { name: 'read_file', arguments: { path: 'src/app.py' } };

describe('the corpus of real tool-call output', () => {
  it('has 15 or more cases, each citing a public thread', () => {
    expect(malformedToolCallCorpus.length).toBeGreaterThanOrEqual(15);
    for (const testCase of malformedToolCallCorpus) {
      expect(testCase.source).toMatch(
        /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/(issues|pull)\/\d+/,
      );
    }
  });

  it.each(malformedToolCallCorpus.map((testCase) => [testCase.source, testCase] as const))(
    '%s',
    (_source, testCase) => {
      const result = parseTextToolCalls(testCase.output, testCase.tools);
      expect(summarise(result.calls)).toEqual(testCase.expected);
      if (testCase.text !== undefined) expect(result.text).toBe(testCase.text);
      for (const call of result.calls) {
        if ('malformed' in call) {
          expect(call.malformed).toMatch(/^Your tool block could not be read: /);
          expect(testCase.output).toContain(call.raw);
        }
      }
    },
  );
});

describe('fences', () => {
  it.each(['tool', 'json', 'tool_call', '', 'python', 'tool_code', 'JSON'])(
    'reads a call in a ```%s fence and removes the block from the text',
    (info) => {
      const output = `I'll read it.\n${fence}${info}\n{"name": "read_file", "arguments": {"path": "src/app.py"}}\n${fence}\nThen I'll fix it.`;
      expect(parse(output)).toMatchObject({
        calls: [readFile],
        text: "I'll read it.\n\nThen I'll fix it.",
      });
    },
  );

  it('accepts a missing closing fence at the end of the reply', () => {
    const output = `${fence}tool\n{"name": "read_file", "arguments": {"path": "src/app.py"}}`;
    expect(parse(output)).toMatchObject({ calls: [readFile], text: '' });
  });

  it('accepts the closing fence on the same line as the JSON, and JSON on the opening line', () => {
    expect(
      parse(`${fence}tool\n{"name": "read_file", "arguments": {"path": "src/app.py"}}${fence}`)
        .calls,
    ).toEqual([readFile]);
    expect(
      parse(`${fence}tool {"name": "read_file", "arguments": {"path": "src/app.py"}}\n${fence}`)
        .calls,
    ).toEqual([readFile]);
  });

  it('is not ended by a fence inside a JSON string', () => {
    const output = `${fence}tool\n{"name": "write_file", "arguments": {"path": "a.md", "content": "x\n${fence}\ny"}}\n${fence}\nDone.`;
    expect(parse(output)).toMatchObject({
      calls: [{ name: 'write_file', arguments: { path: 'a.md', content: `x\n${fence}\ny` } }],
      text: 'Done.',
    });
  });

  it('reads several calls in one tool block and several blocks in one reply', () => {
    const call = (path: string) => `{"name": "read_file", "arguments": {"path": "${path}"}}`;
    const output = `${fence}tool\n${call('a')}\n${call('b')}\n${fence}\nAnd:\n${fence}tool\n${call('c')}\n${fence}`;
    expect(parse(output)).toMatchObject({
      calls: ['a', 'b', 'c'].map((path) => ({ name: 'read_file', arguments: { path } })),
      text: 'And:',
    });
  });

  it('keeps a json fence that holds data, not a call, as text', () => {
    const output = `Here is the shape:\n${fence}json\n{"name": "Ada", "age": 36}\n${fence}`;
    expect(parse(output)).toEqual({ text: output, calls: [], raw: [] });
  });

  it('keeps a fence with prose beside a call as text unless it is a tool fence', () => {
    const output = `${fence}json\n// example\n{"name": "read_file", "arguments": {"path": "a"}}\n${fence}`;
    expect(parse(output).calls).toEqual([]);
  });
});

describe('loose JSON and tags', () => {
  it('reads a bare JSON object that names a tool, keeping the prose around it', () => {
    const output = `Let me look.\n{"name": "read_file", "arguments": {"path": "src/app.py"}}`;
    expect(parse(output)).toMatchObject({ calls: [readFile], text: 'Let me look.' });
  });

  it('reads a bare object with a name and arguments even for a tool it does not know', () => {
    expect(parse('{"name": "grep", "arguments": {"pattern": "x"}}').calls).toEqual([
      { name: 'grep', arguments: { pattern: 'x' } },
    ]);
  });

  it('keeps JSON in prose that is not a call as text', () => {
    const output =
      'The config is:\n{"name": "my-app", "version": "1.0.0"}\nand {"tool": "x"} inline.';
    expect(parse(output)).toEqual({ text: output, calls: [], raw: [] });
  });

  it('reads Hermes/Qwen <tool_call> tags, also inline and several in a row', () => {
    const output = `Sure.<tool_call>\n{"name": "read_file", "arguments": {"path": "src/app.py"}}\n</tool_call>\n<tool_call>{"name": "list_directory", "arguments": {}}</tool_call>`;
    expect(parse(output)).toMatchObject({
      calls: [readFile, { name: 'list_directory', arguments: {} }],
      text: 'Sure.',
    });
  });

  it('is not ended by a </tool_call> inside a JSON string', () => {
    const output =
      '<tool_call>{"name": "write_file", "arguments": {"path": "a", "content": "</tool_call>"}}</tool_call>';
    expect(parse(output).calls).toEqual([
      { name: 'write_file', arguments: { path: 'a', content: '</tool_call>' } },
    ]);
  });

  it('reads an object the closing tag cuts short', () => {
    expect(
      parse('<tool_call>{"name": "read_file", "arguments": {"path": "src/app.py"}</tool_call>')
        .calls,
    ).toEqual([readFile]);
  });

  it('reads Llama 3.x <function=name> and <|python_tag|> calls', () => {
    expect(parse('<function=read_file>{"path": "src/app.py"}</function>').calls).toEqual([
      readFile,
    ]);
    expect(
      parse('<|python_tag|>{"name": "read_file", "parameters": {"path": "src/app.py"}}<|eom_id|>'),
    ).toMatchObject({ calls: [readFile], text: '' });
  });

  it('reads Qwen3-Coder parameters, turning JSON numbers, booleans and objects into values', () => {
    const output = `<tool_call>\n<function=run_command>\n<parameter=command>\nls -la\n</parameter>\n<parameter=timeout>30</parameter>\n<parameter=background>false</parameter>\n<parameter=env>{"A": "1"}</parameter>\n</function>\n</tool_call>`;
    expect(parse(output).calls).toEqual([
      {
        name: 'run_command',
        arguments: { command: 'ls -la', timeout: 30, background: false, env: { A: '1' } },
      },
    ]);
  });

  it('reads Mistral, Phi-4-mini and gpt-oss call syntax', () => {
    expect(
      parse('[TOOL_CALLS][{"name": "read_file", "arguments": {"path": "src/app.py"}}]').calls,
    ).toEqual([readFile]);
    expect(parse('[TOOL_CALLS]read_file[ARGS]{"path": "src/app.py"}').calls).toEqual([readFile]);
    expect(
      parse('functools[{"name": "read_file", "arguments": {"path": "src/app.py"}}]').calls,
    ).toEqual([readFile]);
    expect(
      parse(
        '<|channel|>commentary to=functions.read_file <|constrain|>json<|message|>{"path": "src/app.py"}<|call|>',
      ).calls,
    ).toEqual([readFile]);
  });

  it('keeps a tag quoted in backticks as prose', () => {
    const output = 'Qwen wraps calls in `<tool_call>` tags.';
    expect(parse(output)).toEqual({ text: output, calls: [], raw: [] });
  });
});

describe('keys and shapes', () => {
  it.each([
    ['name', 'arguments'],
    ['tool', 'parameters'],
    ['function', 'args'],
    ['tool_name', 'input'],
  ])('reads {"%s": ..., "%s": {...}}', (nameKey, argumentsKey) => {
    const output = `{"${nameKey}": "read_file", "${argumentsKey}": {"path": "src/app.py"}}`;
    expect(parse(output).calls).toEqual([readFile]);
  });

  it('reads the OpenAI nesting, with arguments as a JSON-encoded string', () => {
    const output = String.raw`{"type": "function", "function": {"name": "read_file", "arguments": "{\"path\": \"src/app.py\"}"}}`;
    expect(parse(output).calls).toEqual([readFile]);
  });

  it('reads an array of calls and an OpenAI tool_calls list', () => {
    const two =
      '[{"name": "read_file", "arguments": {"path": "src/app.py"}}, {"name": "list_directory", "arguments": {"path": "."}}]';
    expect(parse(two).calls).toEqual([
      readFile,
      { name: 'list_directory', arguments: { path: '.' } },
    ]);
    expect(parse(`{"tool_calls": ${two}}`).calls).toHaveLength(2);
  });

  it('takes the keys beside the name as arguments when there is no arguments key', () => {
    expect(parse('{"name": "read_file", "path": "src/app.py"}').calls).toEqual([readFile]);
  });

  it('resolves functions.read_file to a tool on offer', () => {
    expect(
      parse(
        '<tool_call>{"name": "functions.read_file", "arguments": {"path": "src/app.py"}}</tool_call>',
      ).calls,
    ).toEqual([readFile]);
  });

  it('does not take an echoed tool definition for a call', () => {
    const output =
      '{"name": "read_file", "description": "Reads a file", "parameters": {"type": "object", "properties": {"path": {"type": "string"}}}}';
    expect(parse(output).calls).toEqual([]);
  });
});

describe('repairs to the JSON', () => {
  it('drops trailing commas', () => {
    expect(parse('{"name": "read_file", "arguments": {"path": "src/app.py",},}').calls).toEqual([
      readFile,
    ]);
  });

  it("reads single quotes and Python's True, False and None, but not inside strings", () => {
    const output =
      "{'name': 'write_file', 'arguments': {'path': 'a.txt', 'content': 'True or None', 'append': True, 'mode': None, 'force': False}}";
    expect(parse(output).calls).toEqual([
      {
        name: 'write_file',
        arguments: {
          path: 'a.txt',
          content: 'True or None',
          append: true,
          mode: null,
          force: false,
        },
      },
    ]);
  });

  it('reads unquoted keys, raw newlines in strings and Windows paths', () => {
    const output = String.raw`{name: "write_file", arguments: {path: "C:\Users\me\a.txt", content: "line one
line two"}}`;
    expect(parse(output).calls).toEqual([
      {
        name: 'write_file',
        arguments: { path: String.raw`C:\Users\me\a.txt`, content: 'line one\nline two' },
      },
    ]);
  });

  it('closes an outermost object left open at the end, but not a deeper cut', () => {
    expect(parse('{"name": "read_file", "arguments": {"path": "src/app.py"}').calls).toEqual([
      readFile,
    ]);
    expect(parse('{"name": "read_file", "arguments": {"path": "src/app.py"').calls).toEqual([
      'malformed',
    ]);
  });
});

describe('Python-style calls', () => {
  it('reads name(key=value) and name({...}) for tools on offer, alone on their line', () => {
    expect(parse('read_file(path="src/app.py")').calls).toEqual([readFile]);
    expect(parse('I will read it.\nread_file({"path": "src/app.py"})').calls).toEqual([readFile]);
    expect(parse('[read_file(path="src/app.py"), list_directory()]').calls).toEqual([
      readFile,
      { name: 'list_directory', arguments: {} },
    ]);
  });

  it('leaves calls of unknown names and calls inside sentences as text', () => {
    for (const output of [
      'print(path="x")',
      'read_file(path="a") reads a file.',
      'Use read_file(path) here.',
    ]) {
      expect(parse(output)).toEqual({ text: output, calls: [], raw: [] });
    }
  });

  it('asks for named arguments when a tool block passes positional ones', () => {
    const result = parse(`${fence}tool\nread_file("src/app.py")\n${fence}`);
    expect(result.calls).toEqual(['malformed']);
    expect(result.raw[0]).toMatchObject({ name: 'read_file' });
  });
});

describe('malformed calls and repair messages', () => {
  const messageOf = (output: string) => {
    const [call] = parseTextToolCalls(output, tools).calls;
    if (call === undefined || !('malformed' in call)) throw new Error('expected a malformed call');
    return call;
  };

  it('reports a tool block without a name', () => {
    expect(messageOf(`${fence}tool\n{"arguments": {"path": "a"}}\n${fence}`).malformed).toBe(
      'Your tool block could not be read: it has no "name". Write exactly one JSON object: {"name": "<tool>", "arguments": {...}} inside a fenced tool block.',
    );
  });

  it('reports arguments that are not an object, naming the tool', () => {
    const call = messageOf(
      `${fence}tool\n{"name": "read_file", "arguments": ["src/app.py"]}\n${fence}`,
    );
    expect(call).toMatchObject({ name: 'read_file' });
    expect(call.malformed).toBe(
      'Your tool block could not be read: the arguments of read_file are not a JSON object. Write exactly one JSON object: {"name": "read_file", "arguments": {...}} inside a fenced tool block.',
    );
  });

  it('reports JSON it cannot read, quoting where', () => {
    const output = `${fence}tool\n{"name": "read_file", "arguments": {"path": "a" "b"}}\n${fence}`;
    const call = messageOf(output);
    expect(call.malformed).toContain('could not be read: expected');
    expect(call.malformed).toContain('"a" "b"');
    expect(call.raw).toContain('"path": "a" "b"');
  });

  it('reports a call cut off inside a string, and an empty tool block', () => {
    expect(
      messageOf('<tool_call>{"name": "write_file", "arguments": {"content": "abc').malformed,
    ).toContain('the JSON ends before it is complete');
    expect(messageOf(`${fence}tool\n${fence}`).malformed).toContain('the tool block is empty');
    expect(messageOf('<tool_call>read the file</tool_call>').malformed).toContain(
      'there is no tool call in it',
    );
  });

  it('keeps repair messages short', () => {
    const outputs = [
      `${fence}tool\n{"arguments": {}}\n${fence}`,
      `${fence}tool\n{"name": "read_file", "arguments": 3}\n${fence}`,
      `<tool_call>{"name": "read_file", "arguments": {"path": ${'"x'.repeat(500)}</tool_call>`,
    ];
    for (const output of outputs) expect(messageOf(output).malformed.length).toBeLessThan(260);
  });
});

describe('text', () => {
  it('keeps the prose before the first block byte for byte', () => {
    const prose = "First  I'll look at the file,\n  then fix it.";
    const output = `${prose}\n\n${fence}tool\n{"name": "read_file", "arguments": {"path": "src/app.py"}}\n${fence}`;
    expect(parse(output).text).toBe(prose);
  });

  it('drops end-of-turn tokens and orphan closing tags', () => {
    expect(
      parse('<|python_tag|>{"name": "read_file", "parameters": {"path": "src/app.py"}}<|eot_id|>')
        .text,
    ).toBe('');
  });
});

describe('formatTextToolCall', () => {
  it('writes a tool block the parser reads back', () => {
    const written = formatTextToolCall('read_file', '{"path": "src/app.py"}');
    expect(written).toBe(
      `${fence}tool\n{"name": "read_file", "arguments": {"path":"src/app.py"}}\n${fence}`,
    );
    expect(parse(written)).toMatchObject({ calls: [readFile], text: '' });
  });

  it('writes a malformed call back as the model wrote it', () => {
    const raw = `${fence}tool\n{"name": "read_file", "arguments": {"path": }\n${fence}`;
    expect(formatTextToolCall('read_file', raw)).toBe(raw);
    expect(formatTextToolCall('list_directory', '')).toContain('"arguments": {}');
  });
});

describe('robustness', () => {
  it('reads pathological input without failing', () => {
    const inputs = [
      '{'.repeat(20_000),
      '['.repeat(20_000) + ']'.repeat(20_000),
      `{"name": "read_file", "arguments": ${'{"a":'.repeat(5_000)}`,
      '\n{"a": "'.repeat(5_000),
      `${fence}\n`.repeat(5_000),
      '<tool_call>'.repeat(2_000),
      'read_file('.repeat(5_000),
    ];
    for (const input of inputs) {
      const result = parseTextToolCalls(input, tools);
      expect(typeof result.text).toBe('string');
    }
  });

  it('limits nesting instead of overflowing the stack', () => {
    const result = readLenientJson('['.repeat(100) + ']'.repeat(100), 0);
    expect(result).toMatchObject({
      ok: false,
      reason: expect.stringContaining('nested too deeply') as unknown,
    });
  });
});
