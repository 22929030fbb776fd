import { describe, expect, it } from 'vitest';
import { isVendoredPath } from './vendored-paths.js';

describe('isVendoredPath', () => {
  it('recognises vendored directories, lock files and minified bundles', () => {
    for (const vendored of [
      'node_modules/a/index.js',
      'packages/web/node_modules/b.js',
      'vendor/github.com/x/y.go',
      'third_party/zlib/zlib.h',
      'dist/index.js',
      'app/build/out.js',
      'static/jquery.min.js',
      'package-lock.json',
      'web/yarn.lock',
      'Cargo.lock',
      'tools/deps.lock',
    ]) {
      expect(isVendoredPath(vendored), vendored).toBe(true);
    }
  });

  it('keeps the project’s own files, including names that only contain those words', () => {
    for (const own of [
      'src/build.py',
      'src/vendor.ts',
      'docs/dist.md',
      'lockfile.py',
      'src/min.js',
    ]) {
      expect(isVendoredPath(own), own).toBe(false);
    }
  });
});
