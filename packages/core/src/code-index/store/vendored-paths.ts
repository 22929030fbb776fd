/**
 * Paths the code index leaves out even when the ignore files let them through: other people's
 * code, generated output and lock files. They are large, rarely what a question is about, and
 * would crowd the project's own code out of search results. Kept short on purpose; a project
 * adds its own through `.outpostignore`.
 */

/** Directory names whose whole subtree is vendored or generated. */
const VENDORED_DIRECTORIES = new Set([
  'node_modules',
  'bower_components',
  'jspm_packages',
  'vendor',
  'third_party',
  'third-party',
  'dist',
  'build',
  'target',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.next',
  '.nuxt',
  '.gradle',
  'Pods',
  'coverage',
]);

/** Lock files and other generated files, by exact name. */
const VENDORED_FILE_NAMES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'Cargo.lock',
  'Gemfile.lock',
  'poetry.lock',
  'Pipfile.lock',
  'composer.lock',
  'go.sum',
]);

/** Minified bundles, source maps and any other `*.lock`, by name ending. */
const VENDORED_SUFFIXES = ['.min.js', '.min.css', '.min.mjs', '.js.map', '.css.map', '.lock'];

/** Whether a project-relative path (with `/` separators) is vendored or generated. */
export function isVendoredPath(relativePath: string): boolean {
  const segments = relativePath.split('/');
  const name = segments[segments.length - 1] ?? '';
  if (VENDORED_FILE_NAMES.has(name)) return true;
  if (VENDORED_SUFFIXES.some((suffix) => name.endsWith(suffix))) return true;
  return segments.slice(0, -1).some((segment) => VENDORED_DIRECTORIES.has(segment));
}
