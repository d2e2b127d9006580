import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/io/catalog-data.js';
import { runCcheck } from '../helpers/cli.js';
import { LICENCE, useCliHome } from '../helpers/cli-home.js';

const home = useCliHome();
const ccheck = home.ccheck;
const modeOf = (f: string) => statSync(f).mode & 0o777;

/** Every file and folder under a directory, with its permission bits. */
function modesUnder(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      out.set(path.relative(dir, p) + (e.isDirectory() ? '/' : ''), modeOf(p));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

describe('secrets at rest (issue 15 item 6)', () => {
  it('creates the database (with its -wal and -shm), the vault and backups for their owner only', async () => {
    expect((await ccheck('init')).code).toBe(0);
    expect((await ccheck('firm', 'add', '--profile', 'firm.yaml')).code).toBe(0);
    writeFileSync(path.join(home.dir, 'policy.txt'), 'remote access policy v3\n');
    expect((await ccheck('evidence', 'add', 'policy.txt', '--firm', LICENCE, '--collected-at', '2026-11-27')).code).toBe(0);
    // A second connection keeps -wal and -shm in place while we look.
    const db = new SqliteDatabase(path.join(home.dir, 'home', 'ccheck.db'), { readonly: true });
    try {
      db.prepare('select count(*) from firms').get();
      const homeModes = modesUnder(path.join(home.dir, 'home'));
      expect([...homeModes.keys()]).toEqual(expect.arrayContaining(['ccheck.db', 'ccheck.db-wal', 'ccheck.db-shm', 'vault.key', 'vault/']));
      for (const [f, mode] of homeModes) expect([f, mode.toString(8)]).toEqual([f, f.endsWith('/') ? '700' : '600']);
    } finally {
      db.close();
    }
    expect(modeOf(path.join(home.dir, 'home'))).toBe(0o700);
    expect((await ccheck('backup', 'bk')).code).toBe(0);
    expect(modeOf(path.join(home.dir, 'bk'))).toBe(0o700);
    for (const [f, mode] of modesUnder(path.join(home.dir, 'bk'))) expect([f, mode.toString(8)]).toEqual([f, f.endsWith('/') ? '700' : '600']);
  });

  it('narrows a database an older ccheck created world-readable', async () => {
    expect((await ccheck('init')).code).toBe(0);
    const file = path.join(home.dir, 'home', 'ccheck.db');
    chmodSync(file, 0o644);
    expect((await ccheck('firm', 'list')).code).toBe(0);
    expect(modeOf(file)).toBe(0o600);
  });

  it('never overwrites a file with evidence get unless --force, and writes it for its owner only', async () => {
    expect((await ccheck('init')).code).toBe(0);
    expect((await ccheck('firm', 'add', '--profile', 'firm.yaml')).code).toBe(0);
    writeFileSync(path.join(home.dir, 'policy.txt'), 'remote access policy v3\n');
    const add = await ccheck('evidence', 'add', 'policy.txt', '--firm', LICENCE, '--collected-at', '2026-11-27', '--json');
    const sha = (JSON.parse(add.out) as { sha256: string }).sha256;
    writeFileSync(path.join(home.dir, 'mine.txt'), 'my own notes\n');
    const refused = await ccheck('evidence', 'get', sha, '-o', 'mine.txt');
    expect(refused.code).toBe(5);
    expect(refused.err).toContain('[OUTPUT_EXISTS]');
    expect(refused.err).toContain('--force');
    expect(readFileSync(path.join(home.dir, 'mine.txt'), 'utf8')).toBe('my own notes\n');
    expect((await ccheck('evidence', 'get', sha, '-o', 'mine.txt', '--force')).code).toBe(0);
    expect(readFileSync(path.join(home.dir, 'mine.txt'), 'utf8')).toBe('remote access policy v3\n');
    expect(modeOf(path.join(home.dir, 'mine.txt'))).toBe(0o600);
    expect((await ccheck('evidence', 'get', sha, '-o', 'fresh.txt')).code).toBe(0);
    expect(modeOf(path.join(home.dir, 'fresh.txt'))).toBe(0o600);
  });

  it('keeps analyzer reports encrypted in the database; reports and a restore still read them', async () => {
    const ev = path.join(home.dir, 'ev', 'rule-set');
    mkdirSync(ev, { recursive: true });
    copyFileSync(path.join(packageRoot(), 'data', 'demo', 'fw-edge-01.asa'), path.join(ev, 'fw-edge-01.asa'));
    const run = await ccheck('run', '--profile', 'firm.yaml', '--evidence', 'ev', '--today', '2026-11-27', '-o', 'out', '--json');
    expect(run.code, run.err).toBe(0);
    const db = new SqliteDatabase(path.join(home.dir, 'home', 'ccheck.db'), { readonly: true });
    const stored = db.prepare('select report_json from analyzer_reports').all() as { report_json: string }[];
    db.close();
    expect(stored.length).toBe(1);
    expect(stored[0]!.report_json).toMatch(/^ccheck-sealed:1:[A-Za-z0-9+/=]+$/);
    expect(stored[0]!.report_json).not.toContain('legacy-vendor-access');
    // The report still shows the rule the analyzer found, decrypted.
    const html = readFileSync((JSON.parse(run.out) as { reports: { html: string } }).reports.html, 'utf8');
    expect(html).toContain('legacy-vendor-access');

    expect((await ccheck('backup', 'bk')).code).toBe(0);
    const other = home.otherHome();
    expect((await runCcheck(['restore', 'bk'], { env: other, cwd: home.dir })).code).toBe(0);
    const report = await runCcheck(['report', '--firm', LICENCE, '--period', '2026-11', '-o', 'restored.html'], { env: other, cwd: home.dir });
    expect(report.code, report.err).toBe(0);
    expect(readFileSync(path.join(home.dir, 'restored.html'), 'utf8')).toContain('legacy-vendor-access');
  });
});
