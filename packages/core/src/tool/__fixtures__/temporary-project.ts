import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach } from 'vitest';
import type { ToolContext } from '../tool.js';

export interface TemporaryProject {
  /** Absolute, symlink-resolved root, as the agent hands it to tools. */
  root: string;
  write(relativePath: string, content: string | Uint8Array): Promise<void>;
  read(relativePath: string): Promise<string>;
  /** Runs git in the project with a fixed identity; returns its stdout. */
  git(...args: string[]): string;
  context(overrides?: Partial<ToolContext>): ToolContext;
}

const created: string[] = [];

afterEach(async () => {
  await Promise.all(
    created.splice(0).map((directory) => rm(directory, { recursive: true, force: true })),
  );
});

/** A fresh directory under the system temp dir, removed after the test; files written into it. */
export async function createTemporaryDirectory(prefix = 'outpost-test-'): Promise<string> {
  const directory = await realpath(await mkdtemp(path.join(tmpdir(), prefix)));
  created.push(directory);
  return directory;
}

export async function createTemporaryProject(
  files: Record<string, string> = {},
  options: { git?: boolean } = {},
): Promise<TemporaryProject> {
  const root = await createTemporaryDirectory();
  const project: TemporaryProject = {
    root,
    async write(relativePath, content) {
      const target = path.join(root, relativePath);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    },
    read: (relativePath) => readFile(path.join(root, relativePath), 'utf8'),
    git: (...args) =>
      execFileSync(
        'git',
        [
          '-c',
          'user.name=Outpost Test',
          '-c',
          'user.email=test@outpost.invalid',
          '-c',
          'init.defaultBranch=main',
          '-c',
          'commit.gpgsign=false',
          ...args,
        ],
        { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    context: (overrides = {}) => ({
      projectRoot: root,
      signal: new AbortController().signal,
      toolCallId: 'call-1',
      ...overrides,
    }),
  };
  if (options.git === true) project.git('init', '--quiet');
  for (const [relativePath, content] of Object.entries(files)) {
    await project.write(relativePath, content);
  }
  return project;
}
