import { describe, expect, it } from 'vitest';
import { applySearchReplace } from './search-replace.js';

const pythonFile = [
  'class Greeter:',
  '    def __init__(self, name):',
  '        self.name = name',
  '',
  '    def greet(self):',
  '        if self.name:',
  '            return f"Hello, {self.name}!"',
  '        return "Hello!"',
  '',
].join('\n');

const typescriptFile = [
  "import { readFile } from 'node:fs/promises';",
  '',
  'export async function loadConfig(path: string): Promise<Config> {',
  "  const text = await readFile(path, 'utf8');",
  '  return JSON.parse(text) as Config;',
  '}',
  '',
].join('\n');

function expectOk(result: ReturnType<typeof applySearchReplace>) {
  if (!result.ok) throw new Error(`expected a match, got ${result.kind}: ${result.message}`);
  return result;
}

function expectFailure(result: ReturnType<typeof applySearchReplace>) {
  if (result.ok) throw new Error('expected a failure, got a match');
  return result;
}

describe('applySearchReplace', () => {
  it('replaces an exact match in a TypeScript file', () => {
    const result = expectOk(
      applySearchReplace(
        typescriptFile,
        '  return JSON.parse(text) as Config;',
        '  const parsed: unknown = JSON.parse(text);\n  return Config.parse(parsed);',
      ),
    );
    expect(result.strategy).toBe('exact');
    expect(result.occurrences).toBe(1);
    expect(result.content).toBe(
      [
        "import { readFile } from 'node:fs/promises';",
        '',
        'export async function loadConfig(path: string): Promise<Config> {',
        "  const text = await readFile(path, 'utf8');",
        '  const parsed: unknown = JSON.parse(text);',
        '  return Config.parse(parsed);',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('re-indents a Python replacement written one level too shallow', () => {
    const result = expectOk(
      applySearchReplace(
        pythonFile,
        'def greet(self):\n    if self.name:\n        return f"Hello, {self.name}!"',
        'def greet(self, greeting="Hello"):\n    if self.name:\n        return f"{greeting}, {self.name}!"\n    if greeting:\n        return greeting',
      ),
    );
    expect(result.strategy).toBe('indentation');
    expect(result.content).toBe(
      [
        'class Greeter:',
        '    def __init__(self, name):',
        '        self.name = name',
        '',
        '    def greet(self, greeting="Hello"):',
        '        if self.name:',
        '            return f"{greeting}, {self.name}!"',
        '        if greeting:',
        '            return greeting',
        '        return "Hello!"',
        '',
      ].join('\n'),
    );
  });

  it('re-indents a replacement written one level too deep', () => {
    const result = expectOk(
      applySearchReplace(
        typescriptFile,
        "      const text = await readFile(path, 'utf8');\n      return JSON.parse(text) as Config;",
        "      const text = await readFile(path, 'utf8');\n      if (text === '') {\n        return {};\n      }\n      return JSON.parse(text) as Config;",
      ),
    );
    expect(result.strategy).toBe('indentation');
    expect(result.content).toContain(
      "  const text = await readFile(path, 'utf8');\n  if (text === '') {\n    return {};\n  }\n  return JSON.parse(text) as Config;\n}",
    );
  });

  it('matches spaces against a tab-indented file and writes tabs back', () => {
    const goFile = 'func main() {\n\tif ok {\n\t\tfmt.Println("ok")\n\t}\n}\n';
    const result = expectOk(
      applySearchReplace(
        goFile,
        '    if ok {\n        fmt.Println("ok")\n    }',
        '    if ok {\n        fmt.Println("ok")\n        os.Exit(0)\n    }',
      ),
    );
    expect(result.strategy).toBe('indentation');
    expect(result.content).toBe(
      'func main() {\n\tif ok {\n\t\tfmt.Println("ok")\n\t\tos.Exit(0)\n\t}\n}\n',
    );
  });

  it('scales indentation when the model used two spaces where the file uses four', () => {
    const file = 'if a:\n    if b:\n        run()\n';
    const result = expectOk(
      applySearchReplace(file, 'if a:\n  if b:\n    run()', 'if a:\n  if b:\n    run()\n  stop()'),
    );
    expect(result.content).toBe('if a:\n    if b:\n        run()\n    stop()\n');
  });

  it('ignores trailing whitespace on file and search lines', () => {
    const file = 'a = 1   \nb = 2\t\nc = 3\n';
    const result = expectOk(applySearchReplace(file, 'a = 1\nb = 2  \n', 'a = 10\nb = 20\n'));
    expect(result.strategy).toBe('whitespace');
    expect(result.content).toBe('a = 10\nb = 20\nc = 3\n');
  });

  it('ignores blank lines around the search block without adding any', () => {
    const file = 'x = 1\ny = 2\nz = 3\n';
    const result = expectOk(
      applySearchReplace(file, '\n\nx = 1\ny = 2\n\n', '\n\nx = 1\ny = 5\n\n'),
    );
    expect(result.strategy).toBe('whitespace');
    expect(result.content).toBe('x = 1\ny = 5\nz = 3\n');
  });

  it('keeps CRLF line endings when the model writes LF', () => {
    const file = 'one\r\ntwo\r\nthree\r\n';
    const result = expectOk(applySearchReplace(file, 'one\ntwo\n', 'one\n2\n2.5\n'));
    expect(result.strategy).toBe('whitespace');
    expect(result.content).toBe('one\r\n2\r\n2.5\r\nthree\r\n');
  });

  it('keeps CRLF in an exact single-line replacement that adds lines', () => {
    const file = 'one\r\ntwo\r\n';
    const result = expectOk(applySearchReplace(file, 'two', 'two\nthree'));
    expect(result.strategy).toBe('exact');
    expect(result.content).toBe('one\r\ntwo\r\nthree\r\n');
  });

  it('keeps a missing final newline missing', () => {
    const result = expectOk(applySearchReplace('a\nb  \nc', 'b\nc', 'B\nC'));
    expect(result.content).toBe('a\nB\nC');
  });

  it('keeps the final newline when the replacement lacks one', () => {
    const result = expectOk(applySearchReplace('a\nb\nc\n', 'b\n', 'B'));
    expect(result.content).toBe('a\nB\nc\n');
  });

  it('deletes lines when the replacement is empty', () => {
    const result = expectOk(applySearchReplace('a\nb  \nc\n', 'b\n', ''));
    expect(result.content).toBe('a\nc\n');
  });

  it('deletes the last line of a file without a final newline', () => {
    const result = expectOk(applySearchReplace('a\nb\nc  ', 'c', ''));
    expect(result.content).toBe('a\nb\n  ');
    const lineBased = expectOk(applySearchReplace('a\nb \nc', 'b\nc', ''));
    expect(lineBased.strategy).toBe('whitespace');
    expect(lineBased.content).toBe('a');
  });

  it('does not match a block whose relative indentation differs from the file', () => {
    const file = 'def sub(a, b):\n    return a - b\n';
    const result = expectFailure(
      applySearchReplace(file, 'def sub(a, b):\nreturn a - b', 'def sub(a, b):\nreturn b - a'),
    );
    expect(result.kind).toBe('no-match');
    expect(result.message).toContain('1| def sub(a, b):\n2|     return a - b');
  });

  it('refuses an ambiguous match and lists the line numbers', () => {
    const file = 'x = 1\nprint(x)\ny = 2\nprint(x)\n';
    const result = expectFailure(applySearchReplace(file, 'print(x)', 'print(y)'));
    expect(result.kind).toBe('ambiguous-match');
    expect(result.message).toContain('lines 2, 4');
    expect(result.message).toContain('replace_all');
  });

  it('refuses an ambiguous whitespace-tolerant match with line numbers', () => {
    const file = 'if a:\n    go()\nif b:\n        go()\n';
    const result = expectFailure(applySearchReplace(file, '  go()\n', 'stop()\n'));
    expect(result.kind).toBe('ambiguous-match');
    expect(result.message).toContain('lines 2, 4');
  });

  it('replaces every match with replace_all, each at its own indentation', () => {
    const file = 'if a:\n    go()\nif b:\n        go()\n';
    const result = expectOk(
      applySearchReplace(file, '  go()\n', '  go(fast=True)\n', { replaceAll: true }),
    );
    expect(result.occurrences).toBe(2);
    expect(result.content).toBe('if a:\n    go(fast=True)\nif b:\n        go(fast=True)\n');
  });

  it('replaces every exact match with replace_all', () => {
    const result = expectOk(
      applySearchReplace('foo(); foo();\nfoo();\n', 'foo()', 'bar()', { replaceAll: true }),
    );
    expect(result.occurrences).toBe(3);
    expect(result.content).toBe('bar(); bar();\nbar();\n');
  });

  it('refuses an empty or blank search', () => {
    expect(expectFailure(applySearchReplace('a\n', '', 'b')).kind).toBe('empty-search');
    expect(expectFailure(applySearchReplace('a\n', ' \n\t\n', 'b')).kind).toBe('empty-search');
  });

  it('shows the closest lines, numbered, when nothing matches', () => {
    const result = expectFailure(
      applySearchReplace(
        pythonFile,
        '    def greet(self):\n        if self.nme:\n            return f"Hi, {self.name}!"',
        'x',
      ),
    );
    expect(result.kind).toBe('no-match');
    expect(result.message).toContain('lines 5-7');
    expect(result.message).toContain('5|     def greet(self):');
    expect(result.message).toContain('6|         if self.name:');
    expect(result.message).toContain('7|             return f"Hello, {self.name}!"');
    expect(result.message).not.toContain('__init__');
  });

  it('finds the closest lines in a file of thousands of lines', () => {
    const lines = Array.from({ length: 5000 }, (_, index) => `value_${index} = compute(${index})`);
    const result = expectFailure(
      applySearchReplace(
        lines.join('\n'),
        'value_4321 = compute(4312)\nvalue_4322 = compute(4322)',
        'x',
      ),
    );
    expect(result.message).toContain('lines 4322-4323');
  });

  it('says when nothing in the file is close', () => {
    const result = expectFailure(applySearchReplace('alpha\nbeta\n', 'zzzz qqqq', 'x'));
    expect(result.kind).toBe('no-match');
    expect(result.message).toContain('Nothing in the file is close');
  });
});
