/** A language whose symbols the code index can extract with tree-sitter. */
export type CodeLanguage =
  'typescript' | 'tsx' | 'javascript' | 'python' | 'go' | 'rust' | 'java' | 'c' | 'cpp' | 'ruby';

const languageByExtension: ReadonlyMap<string, CodeLanguage> = new Map<string, CodeLanguage>([
  ['ts', 'typescript'],
  ['mts', 'typescript'],
  ['cts', 'typescript'],
  ['tsx', 'tsx'],
  ['js', 'javascript'],
  ['mjs', 'javascript'],
  ['cjs', 'javascript'],
  ['jsx', 'javascript'],
  ['py', 'python'],
  ['pyi', 'python'],
  ['go', 'go'],
  ['rs', 'rust'],
  ['java', 'java'],
  ['c', 'c'],
  ['h', 'c'],
  ['cc', 'cpp'],
  ['cpp', 'cpp'],
  ['cxx', 'cpp'],
  ['hpp', 'cpp'],
  ['hh', 'cpp'],
  ['hxx', 'cpp'],
  ['rb', 'ruby'],
]);

/**
 * The language of a file from its path's extension (case-insensitive), or `undefined` when the
 * code index has no grammar for it. `.d.ts` is TypeScript; `.h` is treated as C.
 */
export function languageOfPath(path: string): CodeLanguage | undefined {
  const fileName = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return languageByExtension.get(fileName.slice(dot + 1).toLowerCase());
}
