import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectTestCommand } from './detect-verification.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'outpost-detect-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function files(entries: Record<string, string>): void {
  for (const [name, content] of Object.entries(entries)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
}

const detected = () => detectTestCommand(root);

describe('detectTestCommand', () => {
  it('uses the package manager of the lockfile for a real test script', () => {
    files({ 'package.json': JSON.stringify({ scripts: { test: 'vitest run' } }) });
    expect(detected()).toEqual({ kind: 'test', command: 'npm test', source: 'package.json' });
    files({ 'pnpm-lock.yaml': '' });
    expect(detected()?.command).toBe('pnpm test');
  });

  it('ignores npm’s placeholder test script and a broken package.json', () => {
    files({
      'package.json': JSON.stringify({
        scripts: { test: 'echo "Error: no test specified" && exit 1' },
      }),
    });
    expect(detected()).toBeUndefined();
    files({ 'package.json': '{ "scripts": ' });
    expect(detected()).toBeUndefined();
  });

  it('knows Cargo, Go, Maven and Gradle projects', () => {
    files({ 'go.mod': 'module example.com/x\n' });
    expect(detected()?.command).toBe('go test ./...');
    files({ 'Cargo.toml': '[package]\nname = "x"\n' });
    expect(detected()?.command).toBe('cargo test');
  });

  it('finds pytest by its configuration or by test files in tests/', () => {
    files({ 'pyproject.toml': '[project]\nname = "x"\n' });
    expect(detected()).toBeUndefined();
    files({ 'tests/test_parser.py': 'def test_x(): pass\n' });
    expect(detected()).toEqual({
      kind: 'test',
      command: 'python3 -m pytest -q',
      source: 'tests/test_parser.py',
    });
    files({ 'pyproject.toml': '[tool.pytest.ini_options]\naddopts = "-q"\n' });
    expect(detected()?.source).toBe('pyproject.toml');
  });

  it('uses a Makefile test target, not a target that merely starts with test', () => {
    files({ Makefile: 'test-unit:\n\techo unit\nTESTS := a b\n' });
    expect(detected()).toBeUndefined();
    files({ Makefile: 'build:\n\tcc x.c\n\ntest: build\n\t./run-tests\n' });
    expect(detected()?.command).toBe('make test');
  });

  it('finds nothing in an empty project', () => {
    expect(detected()).toBeUndefined();
  });
});
