import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProjectRules } from './project-rules.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'outpost-rules-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('loadProjectRules', () => {
  it('reads the rules files in a fixed order, each under its name', () => {
    writeFileSync(join(root, 'CONVENTIONS.md'), 'Use tabs.\n');
    writeFileSync(join(root, 'AGENTS.md'), 'Run `make test` before answering.\n');
    writeFileSync(join(root, '.cursorrules'), '   \n');
    mkdirSync(join(root, 'CLAUDE.md'));
    const rules = loadProjectRules(root, 4000);
    expect(rules.text).toBe(
      "Project rules (from the project's own files; follow them):\n\n" +
        '### AGENTS.md\nRun `make test` before answering.\n\n### CONVENTIONS.md\nUse tabs.',
    );
    expect(rules.files.map((file) => file.path)).toEqual(['AGENTS.md', 'CONVENTIONS.md']);
  });

  it('cuts what does not fit the cap, and says where the rest is', () => {
    writeFileSync(join(root, 'AGENTS.md'), `${'A rule worth keeping.\n'.repeat(100)}`);
    writeFileSync(join(root, 'CLAUDE.md'), 'Never seen.\n');
    const rules = loadProjectRules(root, 500);
    expect(rules.files).toEqual([{ path: 'AGENTS.md', bytes: 2199, truncated: true }]);
    expect(rules.text).toContain('[… cut: read AGENTS.md for the rest]');
    expect(Buffer.byteLength(rules.text)).toBeLessThan(700);
  });

  it('is empty for a project without rules', () => {
    expect(loadProjectRules(root, 4000)).toEqual({ text: '', files: [] });
  });
});
