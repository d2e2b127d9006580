// Lint: type-aware rules, and the import boundaries of docs/ARCHITECTURE.md. Each boundary
// message says the rule and why, so that a failing lint teaches instead of just blocking.
import tseslint from 'typescript-eslint';

const CORE_IO =
  'src/core is the pure domain: no I/O, no environment, no clock. Take files, time and ids as ' +
  'parameters (ports) from a shell (src/io, src/storage, src/services, src/cli). See docs/ARCHITECTURE.md.';
const NO_SHELLS = (layer) => `${layer} must not import from a shell above it (cli, api, services). See docs/ARCHITECTURE.md.`;

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'web/dist/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['test/setup/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowNullish: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'node:fs', message: CORE_IO },
            { name: 'node:fs/promises', message: CORE_IO },
            { name: 'node:child_process', message: CORE_IO },
            { name: 'node:http', message: CORE_IO },
            { name: 'node:net', message: CORE_IO },
            { name: 'node:os', message: CORE_IO },
            { name: 'node:process', message: CORE_IO },
          ],
          patterns: [
            { group: ['**/io/**', '**/storage/**', '**/services/**', '**/cli/**', '**/api/**', '**/analyzers/**'], message: CORE_IO },
            { group: ['fs', 'fs/*', 'kysely', 'better-sqlite3', 'pg', 'fastify', 'exceljs', 'commander'], message: CORE_IO },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: CORE_IO }, { name: 'fetch', message: CORE_IO }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: CORE_IO }],
    },
  },
  {
    files: ['src/analyzers/**/*.ts'],
    ignores: ['src/analyzers/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/io/**',
                '**/storage/**',
                '**/services/**',
                '**/cli/**',
                '**/api/**',
                'node:fs',
                'node:fs/*',
                'fs',
                'node:child_process',
                'node:net',
                'node:http',
              ],
              message:
                'Analyzers read evidence only through the AnalyzerContext they are given (streamed), and import only src/core. See docs/ARCHITECTURE.md.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'Analyzers take today and options from the context, never from the environment.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Analyzers take "today" from the context.' }],
    },
  },
  {
    files: ['src/reports/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/io/**', '**/storage/**', '**/services/**', '**/cli/**', '**/api/**', 'node:fs', 'node:fs/*', 'fs'],
              message: 'Report renderers are pure: data in, document out. Services assemble the data and write the file. See docs/ARCHITECTURE.md.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/io/**/*.ts', 'src/storage/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/cli/**', '**/api/**', '**/services/**'], message: NO_SHELLS('src/io and src/storage') }] }],
    },
  },
  {
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/cli/**', '**/api/**'], message: NO_SHELLS('src/services') }] }],
    },
  },
  {
    files: ['src/api/**/*.ts'],
    ignores: ['src/api/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/storage/**', '**/io/**', '**/analyzers/**', '**/cli/**', 'kysely', 'better-sqlite3', 'pg'],
              message: 'The API is a thin shell over the use cases in src/services: no SQL, no files of its own. See docs/ARCHITECTURE.md.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
