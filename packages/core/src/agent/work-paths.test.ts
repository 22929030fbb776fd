import type { SessionEvent, SessionEventData } from '@outpost/protocol';
import { describe, expect, it } from 'vitest';
import { workPathsOf } from './work-paths.js';

const events = (...data: SessionEventData[]): SessionEvent[] =>
  data.map((item, index) => ({
    id: `e${index}`,
    sessionId: 's',
    hlc: String(index),
    device: 'd',
    seq: index,
    time: index,
    data: item,
  }));

const call = (toolName: string, args: string): SessionEventData => ({
  type: 'tool-call',
  step: 0,
  toolCallId: `c-${toolName}-${args.length}`,
  toolName,
  arguments: args,
});

describe('workPathsOf', () => {
  it('lists the files the session named or changed, most recent first, once each', () => {
    const paths = workPathsOf(
      events(
        { type: 'user-message', text: 'fix it' },
        call('read_file', '{"path": "./src/a.py"}'),
        call('list_files', '{"path": "."}'),
        call('read_file', '{"path": "/etc/passwd"}'),
        call('edit_file', 'not json'),
        call('search_code', '{"pattern": "x", "path": "tests/"}'),
        {
          type: 'file-change',
          toolCallId: 'c',
          path: 'src/b.py',
          beforeHash: null,
          afterHash: 'h',
          linesAdded: 1,
          linesRemoved: 0,
          diff: '',
        },
        call('read_file', '{"path": "src/a.py"}'),
      ),
    );
    expect(paths).toEqual(['src/a.py', 'src/b.py', 'tests']);
  });
});
