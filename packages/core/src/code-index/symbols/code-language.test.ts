import { describe, expect, it } from 'vitest';
import { languageOfPath } from './code-language.js';

describe('languageOfPath', () => {
  it.each([
    ['src/agent/agent-loop.ts', 'typescript'],
    ['lib/x.mts', 'typescript'],
    ['lib/x.cts', 'typescript'],
    ['types/index.d.ts', 'typescript'],
    ['web/App.tsx', 'tsx'],
    ['a/b.js', 'javascript'],
    ['a/b.mjs', 'javascript'],
    ['a/b.cjs', 'javascript'],
    ['a/B.jsx', 'javascript'],
    ['sympy/core/basic.py', 'python'],
    ['cmd/main.go', 'go'],
    ['src/lib.rs', 'rust'],
    ['src/main/java/App.java', 'java'],
    ['src/buffer.c', 'c'],
    ['include/buffer.h', 'c'],
    ['src/a.cc', 'cpp'],
    ['src/a.cpp', 'cpp'],
    ['src/a.cxx', 'cpp'],
    ['include/a.hpp', 'cpp'],
    ['include/a.hh', 'cpp'],
    ['include/a.hxx', 'cpp'],
    ['app/models/user.rb', 'ruby'],
    ['C:\\code\\Main.JAVA', 'java'],
  ])('%s is %s', (path, language) => {
    expect(languageOfPath(path)).toBe(language);
  });

  it.each(['README.md', 'Makefile', '.gitignore', 'data.json', 'src/.ts', 'archive.ts.bak'])(
    '%s has no code language',
    (path) => {
      expect(languageOfPath(path)).toBeUndefined();
    },
  );
});
