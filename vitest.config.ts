import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (name: string) =>
  fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

// Unit and contract tests run against the TypeScript sources; the e2e project runs the built CLI.
const alias = {
  // Before '@outpost/core', which would otherwise match it as a prefix.
  '@outpost/core/code-index': fileURLToPath(
    new URL('./packages/core/src/code-index/index.ts', import.meta.url),
  ),
  '@outpost/protocol': source('protocol'),
  '@outpost/core': source('core'),
  '@outpost/hub': source('hub'),
  '@outpost/test-kit': source('test-kit'),
};

export default defineConfig({
  test: {
    projects: [
      ...['protocol', 'core', 'cli', 'hub', 'test-kit'].map((name) => ({
        resolve: { alias },
        test: {
          name,
          root: `./packages/${name}`,
          include: ['src/**/*.test.ts'],
          testTimeout: 30_000,
        },
      })),
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          root: './e2e',
          include: ['**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
