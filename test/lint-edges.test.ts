import path from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- eslint.config.js is plain JavaScript without type declarations
import { BOUNDARIES } from '../eslint.config.js';

// The boundary rules of eslint.config.js, run on one-line files as if they sat in each folder
// (no type information needed: these rules read only the syntax).
const root = path.resolve(import.meta.dirname, '..');
const linter = new Linter({ configType: 'flat', cwd: root });
// eslint.config.js is plain JavaScript: its exports reach TypeScript untyped.
const boundaries = BOUNDARIES as unknown as Linter.Config[];
const config: Linter.Config[] = [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...boundaries];

/** The rules that fire for `code` in a file of `folder` (depth 2, like src/io/x.ts or src/core/audit/x.ts). */
function fired(folder: string, code: string, file = 'probe.ts'): string[] {
  const filename = path.join(root, 'src', folder, file);
  return linter.verify(code, config, { filename }).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}
const importing = (target: string) => `import { x } from '${target}';\nvoid x;\n`;

/** Every forbidden edge of docs/ARCHITECTURE.md: folder → what it may not import. */
const FORBIDDEN: Record<string, string[]> = {
  core: ['io', 'storage', 'services', 'cli', 'api', 'analyzers', 'reports', 'formats'],
  formats: ['io', 'storage', 'services', 'cli', 'api', 'analyzers', 'reports'],
  analyzers: ['io', 'storage', 'services', 'cli', 'api', 'reports'],
  io: ['storage', 'services', 'cli', 'api', 'analyzers', 'reports'],
  storage: ['io', 'formats', 'services', 'cli', 'api', 'analyzers', 'reports'],
  reports: ['analyzers', 'io', 'formats', 'storage', 'services', 'cli', 'api'],
  services: ['cli', 'api'],
  api: ['storage', 'io', 'formats', 'analyzers', 'reports', 'cli'],
  cli: ['storage', 'analyzers', 'formats'],
};
/** And the allowed ones, so that a rule that forbids too much fails as well. */
const ALLOWED: Record<string, string[]> = {
  core: [],
  formats: ['core'],
  analyzers: ['core', 'formats'],
  io: ['core', 'formats'],
  storage: ['core'],
  reports: ['core'],
  services: ['core', 'analyzers', 'reports', 'io', 'storage', 'formats'],
  api: ['core', 'services'],
  cli: ['core', 'io', 'reports', 'services', 'api'],
};

describe('lint: the allowed import edges (issue 10, item 7)', () => {
  for (const [from, targets] of Object.entries(FORBIDDEN))
    it(`src/${from} may not import ${targets.join(', ')}`, () => {
      for (const to of targets) {
        expect(fired(from, importing(`../${to}/thing.js`)), `${from} → ${to}`).toEqual(['no-restricted-imports']);
        // From a nested file too (src/core/audit/x.ts → ../../storage/…).
        expect(fired(`${from}/nested`, importing(`../../${to}/thing.js`)), `${from}/nested → ${to}`).toEqual(['no-restricted-imports']);
      }
    });

  for (const [from, targets] of Object.entries(ALLOWED))
    it(`src/${from} may import ${targets.join(', ') || 'only itself'}`, () => {
      for (const to of targets) expect(fired(from, importing(`../${to}/thing.js`)), `${from} → ${to}`).toEqual([]);
      expect(fired(from, importing('./sibling.js'))).toEqual([]);
    });

  it('keeps the core free of format and I/O libraries: yaml, ajv, node:path, fs, the database', () => {
    for (const lib of ['yaml', 'ajv', 'ajv-formats', 'node:path', 'path', 'node:fs', 'fs/promises', 'node:os', 'kysely', 'pg', 'exceljs'])
      expect(fired('core', importing(lib)), lib).toEqual(['no-restricted-imports']);
    for (const lib of ['zod', 'node:crypto']) expect(fired('core', importing(lib)), lib).toEqual([]);
  });

  it('keeps the clock out of the core: Date.now(), new Date() and Date(), but new Date(x) parses and is fine', () => {
    expect(fired('core', 'export const t = Date.now();')).toEqual(['no-restricted-properties']);
    expect(fired('core', 'export const t = new Date();')).toEqual(['no-restricted-syntax']);
    expect(fired('core', 'export const t = Date();')).toEqual(['no-restricted-syntax']);
    expect(fired('core', "export const t = new Date('2026-11-30T00:00:00Z');")).toEqual([]);
    expect(fired('core', 'export const e = process.env.X;')).toEqual(['no-restricted-globals']);
    // The shells read the clock.
    expect(fired('services', 'export const t = new Date();')).toEqual([]);
  });

  it('keeps files and the database out of analyzers, reports and the API', () => {
    expect(fired('analyzers', importing('node:fs'))).toEqual(['no-restricted-imports']);
    expect(fired('reports', importing('node:fs'))).toEqual(['no-restricted-imports']);
    expect(fired('api', importing('kysely'))).toEqual(['no-restricted-imports']);
    expect(fired('cli', importing('better-sqlite3'))).toEqual(['no-restricted-imports']);
  });

  it('lets tests beside the code import anything', () => {
    expect(fired('core', importing('../storage/thing.js'), 'probe.test.ts')).toEqual([]);
  });

  it('teaches: the message names the rule and where to read about it', () => {
    const [m] = linter.verify(importing('../storage/x.js'), config, { filename: path.join(root, 'src/cli/probe.ts') });
    expect(m?.message).toContain('src/services');
    expect(m?.message).toContain('docs/ARCHITECTURE.md');
  });
});
