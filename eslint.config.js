// @ts-check
import eslint from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Package direction (DESIGN §3): protocol ← core ← cli; protocol ← hub; nothing imports cli. */
const restrict = (...names) => ({
  patterns: names.map((name) => ({
    group: [`@outpost/${name}`, `@outpost/${name}/*`],
    message: `This package may not import @outpost/${name} (see DESIGN.md §3, package direction).`,
  })),
});

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'packages/cli/bin/**'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      'import-x/no-default-export': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExportAllDeclaration',
          message: 'Use explicit named exports (CONVENTIONS: Layout).',
        },
        { selector: 'ThrowStatement > Literal', message: 'Throw Error objects, never strings.' },
      ],
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['packages/protocol/src/**'],
    rules: { 'no-restricted-imports': ['error', restrict('core', 'cli', 'hub', 'test-kit')] },
  },
  {
    files: ['packages/core/src/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', restrict('cli', 'hub', 'test-kit')],
      'no-console': 'error',
    },
  },
  {
    files: ['packages/core/src/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', restrict('cli', 'hub')] },
  },
  {
    files: ['packages/hub/src/**'],
    rules: { 'no-restricted-imports': ['error', restrict('core', 'cli')] },
  },
  {
    files: ['packages/test-kit/src/**'],
    rules: { 'no-restricted-imports': ['error', restrict('core', 'cli', 'hub')] },
  },
  {
    files: ['**/*.test.ts'],
    rules: { 'max-lines': ['warn', { max: 1000, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['*.config.ts', '*.config.js', 'eslint.config.js', 'scripts/**'],
    rules: { 'import-x/no-default-export': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: { URL: 'readonly', process: 'readonly', console: 'readonly' },
    },
  },
);
