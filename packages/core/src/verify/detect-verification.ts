import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { VerificationCommand } from './verification-command.js';

/** npm's placeholder for a package without tests. */
const NPM_PLACEHOLDER_TEST = /no test specified/i;
/** A Makefile target named `test` (`test:` or `test :`, not `test-unit:`). */
const MAKE_TEST_TARGET = /^test\s*:(?!=)/m;
/** Test files pytest collects by default. */
const PYTHON_TEST_FILE = /^(test_.*|.*_test)\.py$/;

/**
 * The project's test command, found from the files at its root, or undefined when nothing says
 * how its tests run. The first rule that matches wins:
 * `package.json` with a real `test` script (npm, or pnpm/yarn by their lockfile), `Cargo.toml`,
 * `go.mod`, pytest configuration or test files, a Makefile `test` target, Maven, Gradle.
 */
export function detectTestCommand(projectRoot: string): VerificationCommand | undefined {
  const at = (name: string): string => path.join(projectRoot, name);
  const has = (name: string): boolean => existsSync(at(name));
  const text = (name: string): string | undefined => {
    try {
      return readFileSync(at(name), 'utf8');
    } catch {
      // Absent or unreadable: this rule does not apply.
      return undefined;
    }
  };
  const found = (command: string, source: string): VerificationCommand => ({
    kind: 'test',
    command,
    source,
  });

  const testScript = packageTestScript(text('package.json'));
  if (testScript !== undefined) {
    if (has('pnpm-lock.yaml')) return found('pnpm test', 'package.json');
    if (has('yarn.lock')) return found('yarn test', 'package.json');
    return found('npm test', 'package.json');
  }
  if (has('Cargo.toml')) return found('cargo test', 'Cargo.toml');
  if (has('go.mod')) return found('go test ./...', 'go.mod');
  const pytestSource = pytestConfiguration(text) ?? pythonTestFiles(projectRoot);
  if (pytestSource !== undefined) return found('python3 -m pytest -q', pytestSource);
  const makefile = text('Makefile') ?? text('makefile') ?? text('GNUmakefile');
  if (makefile !== undefined && MAKE_TEST_TARGET.test(makefile)) {
    return found('make test', 'Makefile');
  }
  if (has('pom.xml')) return found('mvn -q test', 'pom.xml');
  if (has('gradlew')) return found('./gradlew test', 'gradlew');
  return undefined;
}

function packageTestScript(manifest: string | undefined): string | undefined {
  if (manifest === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifest);
  } catch {
    // A broken package.json says nothing reliable about tests.
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const scripts = (parsed as { scripts?: unknown }).scripts;
  if (typeof scripts !== 'object' || scripts === null) return undefined;
  const test = (scripts as Record<string, unknown>).test;
  if (typeof test !== 'string' || test.trim() === '' || NPM_PLACEHOLDER_TEST.test(test)) {
    return undefined;
  }
  return test;
}

function pytestConfiguration(text: (name: string) => string | undefined): string | undefined {
  if (text('pytest.ini') !== undefined) return 'pytest.ini';
  if (text('conftest.py') !== undefined) return 'conftest.py';
  if (text('pyproject.toml')?.includes('[tool.pytest') === true) return 'pyproject.toml';
  if (text('setup.cfg')?.includes('[tool:pytest]') === true) return 'setup.cfg';
  if (text('tox.ini')?.includes('[pytest]') === true) return 'tox.ini';
  return undefined;
}

/** Python test files at the root or in `tests/` / `test/` (one level, no deep walk). */
function pythonTestFiles(projectRoot: string): string | undefined {
  for (const directory of ['', 'tests', 'test']) {
    let names: string[];
    try {
      names = readdirSync(path.join(projectRoot, directory));
    } catch {
      // No such directory.
      continue;
    }
    const match = names.find((name) => PYTHON_TEST_FILE.test(name));
    if (match !== undefined) return directory === '' ? match : `${directory}/${match}`;
  }
  return undefined;
}
