import { describe, expect, it } from 'vitest';
import { toChatHistory } from './embedded-chat-history.js';

describe('toChatHistory', () => {
  it('maps system, user and assistant messages to node-llama-cpp history', () => {
    expect(
      toChatHistory([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.', toolCalls: [] },
        { role: 'user', content: 'Bye' },
      ]),
    ).toEqual([
      { type: 'system', text: 'Be brief.' },
      { type: 'user', text: 'Hi' },
      { type: 'model', response: ['Hello.'] },
      { type: 'user', text: 'Bye' },
    ]);
  });

  it('writes tool calls and tool results as text when they reach the adapter', () => {
    expect(
      toChatHistory([
        { role: 'user', content: 'Read a.txt' },
        {
          role: 'assistant',
          content: 'Reading.',
          toolCalls: [
            { id: 'call_1', name: 'read_file', arguments: '{"path":"a.txt"}' },
            { id: 'call_2', name: 'list_files', arguments: 'not json' },
          ],
        },
        { role: 'tool', toolCallId: 'call_1', toolName: 'read_file', content: 'hello' },
        { role: 'tool', toolCallId: 'call_2', toolName: 'list_files', content: 'a.txt' },
      ]),
    ).toEqual([
      { type: 'user', text: 'Read a.txt' },
      {
        type: 'model',
        response: [
          'Reading.\n{"tool": "read_file", "arguments": {"path":"a.txt"}}\n' +
            '{"tool": "list_files", "arguments": "not json"}',
        ],
      },
      { type: 'user', text: 'Result of read_file:\nhello\n\nResult of list_files:\na.txt' },
    ]);
  });

  it('joins consecutive turns of the same kind', () => {
    expect(
      toChatHistory([
        { role: 'system', content: 'A' },
        { role: 'system', content: 'B' },
        { role: 'assistant', content: 'one', toolCalls: [] },
        { role: 'assistant', content: 'two', toolCalls: [] },
      ]),
    ).toEqual([
      { type: 'system', text: 'A\n\nB' },
      { type: 'model', response: ['one\n\ntwo'] },
    ]);
  });

  it('renders the same messages the same way, so the prompt prefix is stable', () => {
    const messages = [
      { role: 'user' as const, content: 'x' },
      { role: 'assistant' as const, content: 'y', toolCalls: [] },
    ];
    expect(toChatHistory(messages)).toEqual(toChatHistory(structuredClone(messages)));
  });
});
