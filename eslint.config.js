// Lint: type-aware rules, and the import boundaries of docs/ARCHITECTURE.md. Each boundary
// message says the rule and why, so that a failing lint teaches instead of just blocking.
import tseslint from 'typescript-eslint';

const ARCH = 'See docs/ARCHITECTURE.md (allowed import edges).';
const CORE_IO =
  'src/core is the pure domain: no I/O, no environment, no clock, no format libraries. Take files, time and ids as ' +
  `parameters (ports) from a shell (src/io, src/storage, src/services, src/cli); YAML is read in src/formats. ${ARCH}`;

/** Every folder of src, as import patterns (a relative import names the folder). */
const LAYER = (name) => [`**/${name}/**`, `**/${name}`];
const NODE_IO = ['node:fs', 'node:fs/*', 'fs', 'fs/*', 'node:child_process', 'node:net', 'node:http', 'node:https'];
const DATABASE = ['kysely', 'better-sqlite3', 'pg'];

/**
 * One boundary: the files of a folder may not import the listed patterns. Test files beside the
 * code are exempt (tests may import anything). `extra` adds rules such as the core's clock ban.
 */
const boundary = (folder, patterns, message, extra = {}) => ({
  files: [`src/${folder}/**/*.ts`],
  ignores: [`src/${folder}/**/*.test.ts`],
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }], ...extra },
});

/**
 * The allowed import edges of docs/ARCHITECTURE.md, one entry per folder. `test/lint-edges.test.ts`
 * lints a one-line file in every folder against every rule here, so a rule that stops firing fails.
 */
export const BOUNDARIES = [
  boundary(
    'core',
    [
      ...['io', 'storage', 'services', 'cli', 'api', 'analyzers', 'reports', 'formats'].flatMap(LAYER),
      ...NODE_IO,
      ...['node:os', 'node:process', 'node:path', 'path', 'os'],
      ...DATABASE,
      ...['fastify', 'fastify/*', '@fastify/*', 'exceljs', 'commander', 'yaml', 'ajv', 'ajv-*', 'pdfkit', 'i18next'],
    ],
    CORE_IO,
    {
      'no-restricted-globals': ['error', { name: 'process', message: CORE_IO }, { name: 'fetch', message: CORE_IO }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: CORE_IO }],
      'no-restricted-syntax': [
        'error',
        // `new Date(x)` parses a value and is fine; without arguments it reads the clock.
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: `new Date() reads the clock. ${CORE_IO}` },
        { selector: "CallExpression[callee.name='Date']", message: `Date() reads the clock. ${CORE_IO}` },
      ],
    },
  ),
  boundary(
    'formats',
    [...['io', 'storage', 'services', 'cli', 'api', 'analyzers', 'reports'].flatMap(LAYER), ...NODE_IO, ...DATABASE],
    `src/formats holds pure readers of text formats (YAML with ccheck's limits), shared by src/io and the analyzers: text in, data out, no files, no other layer. ${ARCH}`,
  ),
  boundary(
    'analyzers',
    [...['io', 'storage', 'services', 'cli', 'api', 'reports'].flatMap(LAYER), ...NODE_IO, ...DATABASE],
    `Analyzers read evidence only through the AnalyzerContext they are given (streamed), and import only src/core and src/formats. ${ARCH}`,
    {
      'no-restricted-globals': ['error', { name: 'process', message: 'Analyzers take today and options from the context, never from the environment.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Analyzers take "today" from the context.' }],
    },
  ),
  boundary(
    'io',
    [...['storage', 'services', 'cli', 'api', 'analyzers', 'reports'].flatMap(LAYER), ...DATABASE],
    `src/io reads and writes files; keeping data is src/storage's, and the two never import each other: src/services joins them. ${ARCH}`,
  ),
  boundary(
    'storage',
    [...['io', 'formats', 'services', 'cli', 'api', 'analyzers', 'reports'].flatMap(LAYER)],
    `src/storage keeps data (database, vault, backups) and imports only src/core; reading users' files is src/io's, and src/services joins the two. ${ARCH}`,
  ),
  boundary(
    'reports',
    [...['analyzers', 'io', 'formats', 'storage', 'services', 'cli', 'api'].flatMap(LAYER), ...NODE_IO, ...DATABASE],
    `Report renderers are pure: data in, document out. They know verdicts from src/core, not analyzers; services assemble the data and write the file. ${ARCH}`,
  ),
  boundary(
    'services',
    [...['cli', 'api'].flatMap(LAYER)],
    `src/services holds the use cases shared by every client: it must not import a client (cli, api). ${ARCH}`,
  ),
  boundary(
    'api',
    [...['storage', 'io', 'formats', 'analyzers', 'reports', 'cli'].flatMap(LAYER), ...DATABASE],
    `The API is a thin shell over the use cases in src/services: no SQL, no files, no analyzers of its own. ${ARCH}`,
  ),
  boundary(
    'cli',
    [...['storage', 'analyzers', 'formats'].flatMap(LAYER), ...DATABASE],
    `The CLI is a thin shell: it reaches data, analyzers and parsers through the use cases in src/services, never src/storage or src/analyzers directly. ${ARCH}`,
  ),
];

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
  ...BOUNDARIES,
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
