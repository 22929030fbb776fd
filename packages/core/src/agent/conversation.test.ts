import type { SessionEvent, SessionEventData } from '@outpost/protocol';
import { describe, expect, it } from 'vitest';
import { awaitsModel, conversationFromEvents, nextStep } from './conversation.js';

function events(...data: SessionEventData[]): SessionEvent[] {
  return data.map((item, index) => ({
    id: `event-${index}`,
    sessionId: 'session',
    hlc: `00000000000${index}-0000`,
    device: 'device',
    seq: index + 1,
    time: index,
    data: item,
  }));
}

describe('conversationFromEvents', () => {
  it('starts a new segment at a handoff: its brief, then only what came after', () => {
    const conversation = conversationFromEvents(
      events(
        { type: 'user-message', text: 'do two things' },
        { type: 'handoff', step: 0, role: 'coder', brief: 'One.', subtaskId: '1', reason: 'r' },
        { type: 'tool-call', step: 1, toolCallId: 'a', toolName: 'read_file', arguments: '{}' },
        {
          type: 'tool-result',
          step: 1,
          toolCallId: 'a',
          toolName: 'read_file',
          ok: true,
          output: 'A',
        },
        { type: 'assistant-message', step: 2, text: 'Found it.', partial: false },
        { type: 'handoff', step: 2, role: 'coder', brief: 'Two.', subtaskId: '2', reason: 'r' },
        { type: 'assistant-message', step: 3, text: 'Reading.', partial: false },
        { type: 'tool-call', step: 3, toolCallId: 'b', toolName: 'list_files', arguments: '{}' },
      ),
    );
    expect(conversation).toEqual([
      { role: 'user', content: 'Two.' },
      {
        role: 'assistant',
        content: 'Reading.',
        toolCalls: [{ id: 'b', name: 'list_files', arguments: '{}' }],
      },
      expect.objectContaining({ role: 'tool', toolCallId: 'b' }),
    ]);
  });

  it('groups tool calls with the assistant message of their step', () => {
    const conversation = conversationFromEvents(
      events(
        { type: 'user-message', text: 'hi' },
        { type: 'assistant-message', step: 0, text: 'Reading.', partial: false },
        { type: 'tool-call', step: 0, toolCallId: 'a', toolName: 'read_file', arguments: '{}' },
        { type: 'tool-call', step: 0, toolCallId: 'b', toolName: 'list_files', arguments: '{}' },
        {
          type: 'tool-result',
          step: 0,
          toolCallId: 'a',
          toolName: 'read_file',
          ok: true,
          output: 'A',
        },
        {
          type: 'tool-result',
          step: 0,
          toolCallId: 'b',
          toolName: 'list_files',
          ok: true,
          output: 'B',
        },
        { type: 'assistant-message', step: 1, text: 'Done.', partial: false },
      ),
    );
    expect(conversation).toEqual([
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        content: 'Reading.',
        toolCalls: [
          { id: 'a', name: 'read_file', arguments: '{}' },
          { id: 'b', name: 'list_files', arguments: '{}' },
        ],
      },
      { role: 'tool', toolCallId: 'a', toolName: 'read_file', content: 'A' },
      { role: 'tool', toolCallId: 'b', toolName: 'list_files', content: 'B' },
      { role: 'assistant', content: 'Done.', toolCalls: [] },
    ]);
  });

  it('leaves out cut-off text and errors, and answers calls that never ran', () => {
    const history = events(
      { type: 'user-message', text: 'go' },
      { type: 'assistant-message', step: 0, text: '', partial: false },
      { type: 'tool-call', step: 0, toolCallId: 'a', toolName: 'run_command', arguments: '{}' },
      { type: 'assistant-message', step: 1, text: 'half a sent', partial: true },
      { type: 'error', kind: 'model', message: 'connection broke', step: 1 },
    );
    const conversation = conversationFromEvents(history);
    expect(conversation).toHaveLength(3);
    expect(conversation[2]).toMatchObject({ role: 'tool', toolCallId: 'a' });
    expect(conversation[2]?.content).toContain('never ran');
    expect(awaitsModel(history)).toBe(true);
    expect(nextStep(history)).toBe(2);
  });

  it('knows when a session ended with an answer', () => {
    const history = events(
      { type: 'user-message', text: 'go' },
      { type: 'assistant-message', step: 0, text: 'Done.', partial: false },
    );
    expect(awaitsModel(history)).toBe(false);
    expect(awaitsModel(events({ type: 'user-message', text: 'go' }))).toBe(true);
    expect(awaitsModel([])).toBe(false);
  });
});
