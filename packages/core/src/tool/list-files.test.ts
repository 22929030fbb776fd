import { describe, expect, it } from 'vitest';
import { createTemporaryProject } from './__fixtures__/temporary-project.js';
import { listFilesTool } from './list-files.js';
import type { ToolResult } from './tool.js';

function expectOutput(result: ToolResult): string {
  if (!result.ok)
    throw new Error(`expected success, got ${result.error.kind}: ${result.error.message}`);
  return result.output;
}

function expectError(result: ToolResult) {
  if (result.ok) throw new Error(`expected an error, got: ${result.output}`);
  return result.error;
}

describe('list_files', () => {
  it('lists the project files, gitignore honoured, in a git repository', async () => {
    const project = await createTemporaryProject(
      { '.gitignore': 'dist/\n', 'src/a.ts': 'a', 'src/b.ts': 'b', 'dist/a.js': 'a' },
      { git: true },
    );
    const output = expectOutput(await listFilesTool.execute({}, project.context()));
    expect(output).toBe('3 files in the project:\n.gitignore\nsrc/a.ts\nsrc/b.ts');
  });

  it('lists a subdirectory with project-relative paths', async () => {
    const project = await createTemporaryProject({ 'src/a.ts': 'a', 'test/a.test.ts': 't' });
    const output = expectOutput(await listFilesTool.execute({ path: 'src/' }, project.context()));
    expect(output).toBe('1 file in src:\nsrc/a.ts');
  });

  it('cuts long listings and names the largest subdirectories', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 250; index += 1) files[`lib/big/f${index}.ts`] = '';
    for (let index = 0; index < 100; index += 1) files[`lib/small/g${index}.ts`] = '';
    const project = await createTemporaryProject(files);
    const output = expectOutput(await listFilesTool.execute({ path: 'lib' }, project.context()));
    const lines = output.split('\n');
    expect(lines[0]).toBe('350 files in lib:');
    expect(lines).toHaveLength(1 + 300 + 1);
    expect(lines.at(-1)).toBe(
      '[… 50 more files. List a narrower path to see them. The largest directories: lib/big (250 files), lib/small (100 files).]',
    );
  });

  it('says so when a directory has no listed files', async () => {
    const project = await createTemporaryProject({ '.gitignore': 'out/\n', 'out/x.txt': 'x' });
    await project.write('empty/.gitkeep', '');
    const output = expectOutput(await listFilesTool.execute({ path: 'out' }, project.context()));
    expect(output).toContain('No files in out');
  });

  it('reports missing paths, files and paths outside the project as errors', async () => {
    const project = await createTemporaryProject({ 'src/a.ts': 'a' });
    expect(expectError(await listFilesTool.execute({ path: 'lib' }, project.context())).kind).toBe(
      'not-found',
    );
    const file = expectError(await listFilesTool.execute({ path: 'src/a.ts' }, project.context()));
    expect(file.kind).toBe('invalid-arguments');
    expect(file.message).toContain('read_file');
    expect(expectError(await listFilesTool.execute({ path: '..' }, project.context())).kind).toBe(
      'outside-project',
    );
  });
});
