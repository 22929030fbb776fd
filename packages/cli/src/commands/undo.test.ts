import { describe, expect, it } from 'vitest';
import { createStyle } from '../render/style.js';
import { formatPlan } from './undo.js';

describe('formatPlan', () => {
  it('lists each file with what undo does to it, then the counts', () => {
    const entry = { mode: '100644', oid: 'a'.repeat(40) } as const;
    const text = formatPlan(
      [
        { path: 'calc.py', kind: 'restore', target: { ...entry, path: 'calc.py' } },
        { path: 'gone.txt', kind: 'recreate', target: { ...entry, path: 'gone.txt' } },
        { path: 'src/new.py', kind: 'delete' },
      ],
      createStyle(false),
    );
    expect(text).toBe(
      [
        '  restore   calc.py',
        '  recreate  gone.txt',
        '  delete    src/new.py',
        '3 files: 1 restored, 1 recreated, 1 deleted.',
        '',
      ].join('\n'),
    );
  });
});
