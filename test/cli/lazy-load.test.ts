import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMAND_GROUPS } from '../../src/cli/main.js';
import { packageRoot } from '../../src/io/catalog-data.js';
import { tempDir } from '../helpers/shared.js';

// Issue 13, item 10: `ccheck --version` and `ccheck date` loaded every library (PDF, spreadsheet,
// database, schema) before any command ran. The built CLI is spawned with a preload that records
// every module it loads; the test judges what was loaded, never how long it took.

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const root = packageRoot();

/** Runs the built bin in a fresh process and returns its output and the modules it loaded, relative to the package. */
function loadsOf(...args: string[]): { code: number | null; out: string; packages: Set<string>; ownModules: string[] } {
  const log = path.join(tmp.dir, 'loads.log');
  const r = spawnSync(process.execPath, ['--import', path.join(root, 'test', 'helpers', 'record-loads.mjs'), path.join(root, 'bin', 'ccheck.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, CCHECK_HOME: path.join(tmp.dir, 'home'), CCHECK_LOAD_LOG: log, LANG: 'zh_TW.UTF-8' },
  });
  const files = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((u) => path.relative(root, decodeURIComponent(new URL(u).pathname)));
  const packages = new Set(
    files
      .filter((f) => f.startsWith('node_modules/'))
      .map((f) =>
        f
          .split('/')
          .slice(1, f.split('/')[1]!.startsWith('@') ? 3 : 2)
          .join('/'),
      ),
  );
  const ownModules = [...new Set(files.filter((f) => f.startsWith('dist/')))].sort();
  return { code: r.status, out: r.stdout, packages, ownModules };
}

/** What the CLI itself needs before any command runs: argument parsing and the zh-TW/en messages. */
const SHELL_PACKAGES = ['commander', 'i18next'];
const HEAVY = [
  'pdfkit',
  'exceljs',
  'kysely',
  'better-sqlite3',
  'pg',
  'ajv',
  'zod',
  'yaml',
  'csv-parse',
  'fast-xml-parser',
  'iconv-lite',
  'ics',
  'piscina',
  'yauzl',
];

describe('light commands load only what they need', () => {
  it('ccheck --version loads no library but commander and i18next, and none of the services, storage, reports or analyzers', () => {
    const r = loadsOf('--version');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect([...r.packages].filter((p) => !SHELL_PACKAGES.includes(p))).toEqual([]);
    expect(r.ownModules.filter((f) => /^dist\/(services|storage|reports|analyzers|cli\/commands)\//.test(f))).toEqual([]);
  });

  it('ccheck date 112年8月15日 likewise', () => {
    const r = loadsOf('date', '112年8月15日');
    expect(r.code).toBe(0);
    expect(r.out).toBe('2023-08-15\t民國112年8月15日\n');
    expect([...r.packages].filter((p) => !SHELL_PACKAGES.includes(p))).toEqual([]);
    expect(r.ownModules.filter((f) => /^dist\/(services|storage|reports|analyzers|cli\/commands)\//.test(f))).toEqual([]);
    // A bad date still gets its bilingual error and exit code without loading more.
    const bad = loadsOf('date', '112年2月30日');
    expect(bad.code).toBe(3);
    expect([...bad.packages].filter((p) => !SHELL_PACKAGES.includes(p))).toEqual([]);
  });

  it('a command loads its own group only; the recorder does see libraries when they load', () => {
    const r = loadsOf('catalog', 'versions', '--json');
    expect(r.code).toBe(0);
    expect(r.ownModules).toContain('dist/cli/commands/catalog-commands.js');
    expect(r.ownModules).not.toContain('dist/cli/commands/report-commands.js');
    expect(r.ownModules).not.toContain('dist/cli/commands/inspection-commands.js');
    expect([...r.packages]).toEqual(expect.arrayContaining(['exceljs', 'yaml', 'zod'])); // the control: heavy libraries are recorded
    expect(HEAVY.filter((p) => r.packages.has(p)).length).toBeGreaterThan(2);
  });

  it('ccheck --help still lists every command of every group', () => {
    const r = loadsOf('--help');
    expect(r.code).toBe(0);
    const listed = [...r.out.split('Commands:')[1]!.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]);
    expect(listed).toEqual([...COMMAND_GROUPS.flatMap((g) => g.commands), 'date', 'help']);
  });
});

describe('the command table in main.ts', () => {
  it('names exactly the top-level commands each group module registers', async () => {
    for (const group of COMMAND_GROUPS) {
      const program = new Command('ccheck');
      (await group.load())(program, async () => {});
      expect(program.commands.map((c) => c.name())).toEqual(group.commands);
    }
  });
});
