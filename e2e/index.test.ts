import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { createWorkspace } from './support/project.js';
import type { E2eWorkspace } from './support/project.js';

let workspace: E2eWorkspace;
beforeEach(() => {
  workspace = createWorkspace({
    'src/billing/invoice.ts':
      'export class InvoiceTotals {\n  computeTax(amount: number): number {\n    return amount * 0.2;\n  }\n}\n',
    'src/util/strings.go': 'package util\n\nfunc ReverseString(s string) string {\n\treturn s\n}\n',
    'logo.png': '\u0000PNG binary',
    '.gitignore': 'build/\n',
    'build/generated.py': 'def generated_add(a, b):\n    return a + b\n',
  });
});
afterEach(() => workspace.cleanup());

const run = (args: string[]) =>
  runCli(args, { cwd: workspace.root, env: { OUTPOST_HOME: workspace.home } });

describe('outpost index', () => {
  it('builds, reports status, updates only what changed, and searches by words and identifiers', async () => {
    const built = await run(['index', 'build', '--json']);
    expect(built.code).toBe(0);
    const first = JSON.parse(built.stdout) as { files: number; indexed: number; symbols: number };
    // calc.py, test_calc.py, invoice.ts, strings.go and .gitignore; not the ignored or binary files.
    expect(first).toMatchObject({ files: 5, indexed: 5 });
    expect(first.symbols).toBeGreaterThanOrEqual(4);

    const status = await run(['index', 'status']);
    expect(status.stdout).toMatch(/Content +5 files/);
    expect(status.stdout).toMatch(/State +up to date/);

    writeFileSync(join(workspace.root, 'calc.py'), 'def add(a, b):\n    return a + b\n');
    expect((await run(['index', 'status'])).stdout).toMatch(/State +files changed since/);
    const again = JSON.parse((await run(['index', 'build', '--json'])).stdout) as {
      indexed: number;
      unchanged: number;
    };
    expect(again).toMatchObject({ indexed: 1, unchanged: 4 });

    const byWords = await run(['index', 'search', 'compute', 'tax', '--json']);
    const hits = byWords.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { path: string; symbols: string[] });
    expect(hits[0]).toMatchObject({ path: 'src/billing/invoice.ts' });
    expect(hits[0]?.symbols).toContain('computeTax');

    const byIdentifier = await run(['index', 'search', 'reverse_string']);
    expect(byIdentifier.stdout.split('\n')[0]).toContain('src/util/strings.go');
    const odd = await run([
      'index',
      'search',
      'Traceback (most recent call last): File "calc.py", line 2',
    ]);
    expect(odd.code).toBe(0);
    expect(odd.stdout).toContain('calc.py');
  });
});
