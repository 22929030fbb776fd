/**
 * Real tool-call output from small and local models, quoted from public issue and pull-request
 * threads, with what the text tool-call parser must make of it. Every case cites its thread; an
 * output is copied as quoted there, except where `note` says how it was changed (JSON-escaped
 * content decoded, a thread's markdown escaping undone). No case here is invented.
 */

/** A call the parser must return (arguments compared as parsed JSON), or a malformed entry. */
export type ExpectedCall = { name: string; arguments: Record<string, unknown> } | 'malformed';

export interface ToolCallCase {
  /** The thread (and comment) the output is quoted from. */
  source: string;
  /** The model as the thread names it. */
  model: string;
  /** The tools the agent offered, as far as the thread shows them. */
  tools: readonly string[];
  /** The model's output as quoted. */
  output: string;
  expected: readonly ExpectedCall[];
  /** The prose left once the calls are taken out, where the case checks it. */
  text?: string;
  note?: string;
}

const fence = '```';

export const malformedToolCallCorpus: readonly ToolCallCase[] = [
  {
    source: 'https://github.com/ollama/ollama/issues/12174 (comment by ninthhousestudios, 2026-04-15)',
    model: 'qwen2.5-coder:14b',
    tools: ['calculator'],
    output: '{"name": "calculator", "arguments": {"expr": "17 * 23"}}',
    expected: [{ name: 'calculator', arguments: { expr: '17 * 23' } }],
    text: '',
  },
  {
    source: 'https://github.com/mark3labs/mcphost/issues/12 (description)',
    model: 'Qwen/Qwen2.5-Coder-32B-Instruct-AWQ',
    tools: ['filesystem__list_directory'],
    output: '{"name": "filesystem__list_directory", "arguments": {"path": "."}}',
    expected: [{ name: 'filesystem__list_directory', arguments: { path: '.' } }],
  },
  {
    source: 'https://github.com/selfagency/opilot/issues/149 (comment by cniry, 2026-08-07)',
    model: 'qwen2.5-coder:7b',
    tools: ['fetch_file_content'],
    output: `{
"name": "fetch_file_content",
"arguments": {
"filePath": "/my/code/test-project/AGENTS.md"
}
}`,
    expected: [
      { name: 'fetch_file_content', arguments: { filePath: '/my/code/test-project/AGENTS.md' } },
    ],
  },
  {
    source: 'https://github.com/openai/codex/issues/2229 (description)',
    model: 'qwen2.5-coder:14b',
    tools: ['shell'],
    output: '{"name": "shell", "arguments": {"command": ["ls"]}}',
    expected: [{ name: 'shell', arguments: { command: ['ls'] } }],
  },
  {
    source: 'https://github.com/openinterpreter/openinterpreter/issues/1865 (description)',
    model: 'ollama/qwen2.5-coder:7b',
    tools: ['execute'],
    output: `{
  "name": "execute",
  "arguments": {
    "language": "shell",
    "code": "echo 'hello'"
  }
}`,
    expected: [{ name: 'execute', arguments: { language: 'shell', code: "echo 'hello'" } }],
  },
  {
    source: 'https://github.com/anomalyco/opencode/issues/10402 (comment by KLee1248, 2026-02-09)',
    model: 'qwen2.5-coder (Ollama, as qwen2.5-coder-16k)',
    tools: ['write', 'read', 'bash'],
    output: String.raw`{"name": "write", "arguments": {"content": "hello\n", "filePath": "/C:/Code/SimpleTester/todo.md"}}`,
    expected: [
      { name: 'write', arguments: { content: 'hello\n', filePath: '/C:/Code/SimpleTester/todo.md' } },
    ],
  },
  {
    source: 'https://github.com/ollama/ollama/issues/13519 (description)',
    model: 'llama3.2:3b',
    tools: ['query_web_search'],
    output: `${fence}json
{"name": "query_web_search", "parameters": {"query": "install ollama models"}}
${fence}`,
    expected: [{ name: 'query_web_search', arguments: { query: 'install ollama models' } }],
    text: '',
    note: 'The issue says the call arrives "wrapped in code blocks"; the fence is part of the output.',
  },
  {
    source: 'https://github.com/jundot/omlx/pull/1153 (description)',
    model: 'mlx-community/Llama-4-Scout-17B-16E-Instruct-4bit',
    tools: ['get_weather'],
    output: '{"name": "get_weather", "parameters": {"location": "Paris"}}',
    expected: [{ name: 'get_weather', arguments: { location: 'Paris' } }],
    note: 'Decoded from the JSON-escaped `content` string quoted in the PR.',
  },
  {
    source: 'https://github.com/raullenchai/Rapid-MLX/issues/700 (description)',
    model: 'llama-3.1-8b-4bit (mlx-community/Meta-Llama-3.1-8B-Instruct-4bit)',
    tools: ['web_search'],
    output: '{"name": "web_search", "parameters": {"query": "你好"}}',
    expected: [{ name: 'web_search', arguments: { query: '你好' } }],
    note: 'The user only said hello; calling a tool is the model’s mistake, the format is fine.',
  },
  {
    source: 'https://github.com/vllm-project/vllm/issues/16214 (comment by jhuntbach-bc, 2025-04-09)',
    model: 'Llama 4 (vLLM, --tool-call-parser=llama3_json)',
    tools: ['brave_web_search'],
    output:
      '<|python_start|>{"name": "brave_web_search", "parameters": {"query": "latest news"}}<|python_end|>',
    expected: [{ name: 'brave_web_search', arguments: { query: 'latest news' } }],
    text: '',
  },
  {
    source: 'https://github.com/sgomez/ollama-ai-provider/issues/26 (description)',
    model: 'qwen2:7b',
    tools: ['getTimeInformation'],
    output: `<tool_call>
{"name": "getTimeInformation", "arguments": {}}
</tool_call>`,
    expected: [{ name: 'getTimeInformation', arguments: {} }],
    text: '',
  },
  {
    source: 'https://github.com/sgomez/ollama-ai-provider/pull/11 (comment by sgomez, 2024-07-28)',
    model: 'not named in the comment (Ollama, tools injected into the system prompt)',
    tools: ['weather', 'cityAttractions'],
    output: `{
  "name": "weather",
  "arguments": {
    "location": "San Francisco"
  }
} {
  "name": "cityAttractions",
  "arguments": {
    "city": "San Francisco"
  }
}`,
    expected: [
      { name: 'weather', arguments: { location: 'San Francisco' } },
      { name: 'cityAttractions', arguments: { city: 'San Francisco' } },
    ],
    note: 'Decoded from the JSON-escaped `text` value quoted in the comment.',
  },
  {
    source: 'https://github.com/gpustack/llama-box/issues/17 (description)',
    model: 'QuantFactory/granite-3.1-8b-instruct-GGUF-Q8_0',
    tools: ['get_temperature', 'get_weather', 'get_location'],
    output: '<tool_call>[{"name": "get_weather", "arguments": {"location": "ShenZhen"}}',
    expected: [{ name: 'get_weather', arguments: { location: 'ShenZhen' } }],
    note: 'The list is never closed and there is no </tool_call>.',
  },
  {
    source: 'https://github.com/ollama/ollama/issues/11505 (description)',
    model: 'granite3.3:8b',
    tools: ['from_markdown'],
    output: String.raw`<|tool_call|>[{"arguments": {"md": "| Month    | Savings   |\n|----------|------------|\n| January  | $250       |\n| February | $80        |\n| March    | $420       |"}, "name": "from_markdown"}]`,
    expected: [
      {
        name: 'from_markdown',
        arguments: {
          md: '| Month    | Savings   |\n|----------|------------|\n| January  | $250       |\n| February | $80        |\n| March    | $420       |',
        },
      },
    ],
    note: 'Arguments before the name. Decoded from the JSON-escaped log line in the issue.',
  },
  {
    source: 'https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/1979 (description)',
    model: 'LiquidAI/LFM2.5-8B-A1B-MLX-4bit',
    tools: ['list_directory'],
    output: '<|tool_call_start|>[list_directory(path="desktop")]<|tool_call_end|>',
    expected: [{ name: 'list_directory', arguments: { path: 'desktop' } }],
    text: '',
  },
  {
    source: 'https://github.com/AtomicBot-ai/atomic-agent/issues/105 (description)',
    model: 'Qwen behind an OpenAI-compatible endpoint (Tinker-hosted; exact model not named)',
    tools: ['os__fs__read'],
    output: `<tool_call>
<function=os.fs.read>
<parameter=path>/work/README.md</parameter>
</function>
</tool_call>`,
    expected: [{ name: 'os.fs.read', arguments: { path: '/work/README.md' } }],
    text: '',
    note: 'The agent offered `os__fs__read`; the dotted name is returned as written (unknown tools are the loop’s to report).',
  },
  {
    source: 'https://github.com/jundot/omlx/pull/844 (comment by jrehm, 2026-08-31)',
    model: 'Qwen3-Coder-30B-A3B-Instruct-4bit (mlx-community)',
    tools: ['Bash', 'Read', 'Edit'],
    output: `I'll check the model information to confirm I'm running on the local oMLX server.

<function=Bash>
<parameter=command>
echo $ANTHROPIC_BASE_URL && echo $ANTHROPIC_DEFAULT_SONNET_MODEL
</parameter>
</function>
</tool_call>`,
    expected: [
      {
        name: 'Bash',
        arguments: { command: 'echo $ANTHROPIC_BASE_URL && echo $ANTHROPIC_DEFAULT_SONNET_MODEL' },
      },
    ],
    text: "I'll check the model information to confirm I'm running on the local oMLX server.",
    note: 'No opening <tool_call>, an orphan </tool_call> after the call.',
  },
  {
    source: 'https://github.com/ollama/ollama/pull/17742 (description)',
    model: 'qwen3-coder:30b',
    tools: ['exec_command'],
    output: `<function=exec_command>
<parameter=cmd>
echo LEAK_TEST
</parameter>
</function>
</tool_call>`,
    expected: [{ name: 'exec_command', arguments: { cmd: 'echo LEAK_TEST' } }],
    text: '',
  },
  {
    source: 'https://github.com/ollama/ollama/issues/5976 (description)',
    model: 'mistral-nemo:12b-instruct-2407-q4_1',
    tools: ['eval'],
    output: `${fence}
{
  "jsonrpc": "2.0",
  "method": "eval",
  "params": {
    "expression": "5234 / 6453 * 23456"
  }
}
${fence}`,
    expected: [{ name: 'eval', arguments: { expression: '5234 / 6453 * 23456' } }],
    note: 'The issue writes the fences as "``⠀`" to keep markdown from rendering them; they are plain ``` here.',
  },
  {
    source: 'https://github.com/huggingface/smolagents/issues/122 (description)',
    model: 'not named in the issue',
    tools: ['get_weather', 'get_system_configuration', 'get_system_performance'],
    output:
      "{'id': '58136', 'type': 'function', 'function': {'name': 'get_system_configuration', 'arguments': {'system': 'ABC123'}}}",
    expected: [{ name: 'get_system_configuration', arguments: { system: 'ABC123' } }],
    note: 'A Python dict with single quotes, in OpenAI’s nested shape.',
  },
  {
    source: 'https://github.com/huggingface/smolagents/issues/938 (description)',
    model: 'not named in the issue (Ollama through LiteLLM ollama_chat)',
    tools: ['get_state'],
    output: `Calling tools:
[{'id': '...', 'type': 'function', 'function': {'name': 'get_state', 'arguments': {}}}]`,
    expected: [{ name: 'get_state', arguments: {} }],
    text: 'Calling tools:',
  },
  {
    source: 'https://github.com/huggingface/smolagents/issues/97 (description)',
    model: 'Qwen/Qwen2.5-Coder-32B-Instruct',
    tools: ['final_answer'],
    output: String.raw`{
  "function": {
    "_name": "final_answer",
    "answer": "### 1. Task outcome (short version):\n\nLarge Language Model (LLM) training consumes enormous amounts of energy, with models like GPT-3 requiring up to 1,287 MWh to train and producing around 552 tons of CO2e. While energy use is significant, there are strategies to reduce consumption through efficient algorithms, hardware, and data`,
    expected: ['malformed'],
    note: 'Cut off inside a string. Decoded from the escaped text in the error; the line break the terminal put after "(short " is removed.',
  },
  {
    source: 'https://github.com/andrewyng/openworker/pull/219 (description)',
    model: 'qwen3.5-9b (LM Studio)',
    tools: ['grep'],
    output: '<function=grep><parameter=pattern>TODO</parameter><parameter=path>sr',
    expected: ['malformed'],
    note: 'Cut off mid-parameter. The PR salvages grep{pattern} and drops the half path; Outpost asks again.',
  },
  {
    source: 'https://github.com/meta-llama/llama-models/issues/169 (description)',
    model: 'Llama 3.1 (its JSON tool-call format, as quoted in the issue)',
    tools: ['trending_songs'],
    output: `<|python_tag|>{
    "type": "function",
    "name": "trending_songs",
    "parameters": {
        "n": "10",
        "genre": "all"
    }
}<|eom_id|>`,
    expected: [{ name: 'trending_songs', arguments: { n: '10', genre: 'all' } }],
    text: '',
  },
  {
    source: 'https://github.com/meta-llama/llama-models/issues/169 (description)',
    model: 'Llama 3.1 (its <function> tool-call format, as quoted in the issue)',
    tools: ['trending_songs'],
    output: '<function=trending_songs>{"n": 10}</function><|eot_id|>',
    expected: [{ name: 'trending_songs', arguments: { n: 10 } }],
    text: '',
  },
  {
    source: 'https://github.com/ollama/ollama/issues/7544 (description)',
    model: 'granite3-dense:8b-instruct-q8_0',
    tools: ['bash'],
    output: `${fence}bash
ls
${fence}`,
    expected: [],
    text: `${fence}bash
ls
${fence}`,
    note: 'The model answered with a shell snippet instead of calling its bash tool: that is prose.',
  },
  {
    source: 'https://github.com/vectorize-io/hindsight/issues/2222 (description)',
    model: 'vertex_ai/openai/gpt-oss-120b-maas (harmony format)',
    tools: ['recall', 'done'],
    output:
      '<|start|>assistant<|channel|>commentary to=functions.recall<|message|>{"query": "..."}<|call|>',
    expected: [{ name: 'recall', arguments: { query: '...' } }],
    text: '',
  },
  {
    source: 'https://github.com/vectorize-io/hindsight/issues/2222 (description, second variant)',
    model: 'vertex_ai/openai/gpt-oss-120b-maas',
    tools: ['recall', 'done'],
    output: '{"answer":"I\'m sorry, but I don\'t have that information."}',
    expected: [],
    text: '{"answer":"I\'m sorry, but I don\'t have that information."}',
    note: 'A bare JSON object with no tool name: it stays text.',
  },
  {
    source: 'https://github.com/NousResearch/Hermes-Function-Calling/issues/17 (description)',
    model: 'Nous Hermes 2 Pro (7B)',
    tools: ['generate_image', 'search_vector_store', 'expand_image'],
    output: `{
  "name": "generate_image",
  "body": {
    "prompt": "A beautiful rainy night in a small village, with a raincoat wearing person holding an umbrella. In the style of Leonid Afremov."
  },
  "path_params": {},
  "query_params": {}
}`,
    expected: [
      {
        name: 'generate_image',
        arguments: {
          body: {
            prompt:
              'A beautiful rainy night in a small village, with a raincoat wearing person holding an umbrella. In the style of Leonid Afremov.',
          },
          path_params: {},
          query_params: {},
        },
      },
    ],
    note: 'No arguments key: the other keys are the arguments. The thread shows it in a json fence of its own; it is given bare here.',
  },
  {
    source: 'https://github.com/RooCodeInc/Roo-Code/issues/10464 (description)',
    model: 'Qwen3-Coder-480B-A35B-Instruct',
    tools: ['read_file'],
    output: '<read_file><path>package.json</path></read_file>',
    expected: [{ name: 'read_file', arguments: { path: 'package.json' } }],
  },
  {
    source: 'https://github.com/RooCodeInc/Roo-Code/issues/10358 (description)',
    model: 'not named in the issue',
    tools: ['read_file'],
    output: `I need to read the existing plan document to understand the current plan and then modify it according to the user's feedback about in-place tailoring (adding icon buttons next to each section editor) rather than creating separate tailoring screens.

<read_file>
<args>
<file>
<path>docs/1-page-resume/ai-prompts-for-resume/08-remaining-phases-plan.md</path>
</file>
</args>
</read_file>`,
    expected: [
      {
        name: 'read_file',
        arguments: {
          args: { file: { path: 'docs/1-page-resume/ai-prompts-for-resume/08-remaining-phases-plan.md' } },
        },
      },
    ],
  },
];
