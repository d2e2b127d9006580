import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCcheck } from '../helpers/cli.js';
import { LICENCE, resultSetArgs, useCliHome } from '../helpers/cli-home.js';

const ITEM = '7/(1)/a/(j)';
const home = useCliHome();
const ccheck = home.ccheck;
const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/** A store with a run, one evidence file attached to an item, and a recorded result. */
async function storeWithEvidence(): Promise<string> {
  expect((await ccheck('init')).code).toBe(0);
  expect((await ccheck('firm', 'add', '--profile', 'firm.yaml')).code).toBe(0);
  expect((await ccheck('inspect', 'start', '--firm', LICENCE, '--period', '2026-11')).code).toBe(0);
  writeFileSync(path.join(home.dir, 'devices.csv'), 'hostname,eol\nsw-floor3,2022-03-31\n');
  const add = await ccheck(
    'evidence',
    'add',
    'devices.csv',
    '--firm',
    LICENCE,
    '--collected-at',
    '2026-11-26',
    '--period',
    '2026-11',
    '--item',
    ITEM,
    '--json',
  );
  expect(add.code, add.err).toBe(0);
  const sha = (JSON.parse(add.out) as { sha256: string }).sha256;
  const set = await ccheck(...resultSetArgs(ITEM, 'fail', 'sw-floor3 past EOL without plan', '2027-11-26'), '--evidence', sha);
  expect(set.code, set.err).toBe(0);
  return sha;
}

/** Edits a result behind ccheck's back, as someone with the database file could. */
function tamperRow(): void {
  const db = new SqliteDatabase(path.join(home.dir, 'home', 'ccheck.db'));
  db.prepare("update item_results set status = 'pass' where path = ?").run(ITEM);
  db.close();
}

/** Flips one byte inside a blob's ciphertext. */
function flipByte(sha: string): void {
  const file = path.join(home.dir, 'home', 'vault', sha.slice(0, 2), `${sha}.enc`);
  const b = readFileSync(file);
  b[30] = b[30]! ^ 0xff;
  writeFileSync(file, b);
}

describe('tampering is surfaced where it matters (issue 15 item 4)', () => {
  it('refuses to write a report from a store whose audit trail does not verify, naming the problem', async () => {
    await storeWithEvidence();
    expect((await ccheck('report', '--firm', LICENCE, '--period', '2026-11', '-o', 'ok.html')).code).toBe(0);
    tamperRow();
    const r = await ccheck('report', '--firm', LICENCE, '--period', '2026-11', '-o', 'tampered.html');
    expect(r.code).toBe(6);
    expect(r.err).toContain('[AUDIT_CHAIN_BROKEN]');
    expect(r.err).toContain('row_changed');
    expect(r.err).toContain(ITEM);
    expect(existsSync(path.join(home.dir, 'tampered.html'))).toBe(false);
  });

  it('refuses a backup of a tampered store and leaves no backup folder behind', async () => {
    await storeWithEvidence();
    tamperRow();
    const b = await ccheck('backup', 'bk');
    expect(b.code).toBe(6);
    expect(b.err).toContain('[AUDIT_CHAIN_BROKEN]');
    expect(existsSync(path.join(home.dir, 'bk'))).toBe(false);
  });

  it('finds a flipped byte in a vault blob with evidence verify, and refuses the backup and the report that cite it', async () => {
    const sha = await storeWithEvidence();
    const ok = await ccheck('evidence', 'verify', '--json');
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ ok: true, checked: 1, problems: [] });
    flipByte(sha);
    const v = await ccheck('evidence', 'verify');
    expect(v.code).toBe(6);
    expect(v.out).toContain('devices.csv');
    expect(v.err).toContain('[VAULT_CORRUPT]');
    const b = await ccheck('backup', 'bk');
    expect(b.code).toBe(6);
    expect(b.err).toContain('[VAULT_CORRUPT]');
    expect(existsSync(path.join(home.dir, 'bk'))).toBe(false);
    const r = await ccheck('report', '--firm', LICENCE, '--period', '2026-11', '-o', 'r.html');
    expect(r.code).toBe(6);
    expect(existsSync(path.join(home.dir, 'r.html'))).toBe(false);
  });

  it('restores nothing and exits non-zero when a backup’s audit trail does not verify, even with its hashes recomputed', async () => {
    await storeWithEvidence();
    expect((await ccheck('backup', 'bk')).code).toBe(0);
    // Someone edits a table file and recomputes every hash the manifest holds.
    const bk = path.join(home.dir, 'bk');
    const table = path.join(bk, 'tables', 'item_results.jsonl');
    const edited = readFileSync(table, 'utf8').replace('"status":"fail"', '"status":"pass"');
    writeFileSync(table, edited);
    const manifest = JSON.parse(readFileSync(path.join(bk, 'manifest.json'), 'utf8')) as { tables: { name: string; sha256: string }[] };
    manifest.tables.find((t) => t.name === 'item_results')!.sha256 = sha256(edited);
    const text = `${JSON.stringify(manifest, null, 2)}\n`;
    writeFileSync(path.join(bk, 'manifest.json'), text);
    writeFileSync(path.join(bk, 'manifest.sha256'), `${sha256(text)}  manifest.json\n`);

    const other = home.otherHome();
    const r = await runCcheck(['restore', 'bk'], { env: other, cwd: home.dir });
    expect(r.code).toBe(6);
    expect(r.err).toContain('[AUDIT_CHAIN_BROKEN]');
    const firms = await runCcheck(['firm', 'list', '--json'], { env: other, cwd: home.dir });
    expect(JSON.parse(firms.out)).toEqual({ firms: [] });
  });
});
