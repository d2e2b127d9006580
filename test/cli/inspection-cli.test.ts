import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCcheck } from '../helpers/cli.js';
import { TEMPLATE } from '../helpers/profiles.js';
import { tempDir } from '../helpers/shared.js';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir();
  writeFileSync(path.join(tmp.dir, 'firm.yaml'), TEMPLATE);
});
afterEach(() => tmp.cleanup());

/** The CLI on the embedded default: SQLite in the ccheck home, no DATABASE_URL. */
const ccheck = (...args: string[]) =>
  runCcheck(args, { env: { CCHECK_HOME: path.join(tmp.dir, 'home'), LANG: 'zh_TW.UTF-8', CCHECK_USER: 'alice' }, cwd: tmp.dir, columns: 160 });

describe('inspections through the CLI (embedded SQLite)', () => {
  it('runs an inspection end to end, and audit verify names a row edited behind its back', async () => {
    expect((await ccheck('firm', 'list')).code).toBe(7); // not initialised yet
    const init = await ccheck('init');
    expect(init.code).toBe(0);
    expect(init.out).toContain('已建立佐證加密金鑰');
    expect((await ccheck('firm', 'add', '--profile', 'firm.yaml')).code).toBe(0);
    const start = await ccheck('inspect', 'start', '--firm', '金管證總字第0000號', '--period', '2026-11', '--json');
    expect(JSON.parse(start.out)).toMatchObject({ period: '2026-11', catalog_version: '2023-08-23', applicable: 67 });

    writeFileSync(path.join(tmp.dir, 'devices.csv'), 'hostname,eol\nsw-floor3,2022-03-31\n');
    const ev = await ccheck(
      'evidence',
      'add',
      'devices.csv',
      '--firm',
      '範例證券股份有限公司',
      '--collected-at',
      '2026-11-26',
      '--period',
      '2026-11',
      '--item',
      '7/(1)/a/(j)',
      '--json',
    );
    expect(ev.code, ev.err).toBe(0);
    const sha = (JSON.parse(ev.out) as { sha256: string }).sha256;
    const set = await ccheck(
      'result',
      'set',
      '--firm',
      '範例證券股份有限公司',
      '--period',
      '2026-11',
      '--item',
      '7/(1)/a/(j)',
      '--status',
      'fail',
      '--justification',
      'sw-floor3 past EOL without plan',
      '--expires',
      '2027-11-26',
      '--evidence',
      sha,
    );
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain('缺失');
    const self = await ccheck('result', 'approve', '--firm', '範例證券股份有限公司', '--period', '2026-11', '--item', '7/(1)/a/(j)');
    expect(self.code).toBe(5);
    expect(self.err).toContain('[RESULT_SELF_APPROVAL]');
    expect((await ccheck('result', 'approve', '--firm', '範例證券股份有限公司', '--period', '2026-11', '--item', '7/(1)/a/(j)', '--as', 'bob')).code).toBe(0);
    const shown = JSON.parse((await ccheck('inspect', 'show', '--firm', '範例證券股份有限公司', '--period', '2026-11', '--json')).out) as {
      results: { path: string; approval: { state: string } | null; evidence: string[] }[];
    };
    expect(shown.results.find((r) => r.path === '7/(1)/a/(j)')).toMatchObject({ approval: { state: 'approved' }, evidence: [sha] });
    expect((await ccheck('audit', 'verify')).out).toContain('✓ 稽核軌跡完整');

    // The findings register, across periods, as a workbook and as CSV.
    expect((await ccheck('finding', 'register', '-o', 'register.xlsx')).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(tmp.dir, 'register.xlsx'));
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).getCell(2).text).toBe('期間 Period');
    expect([ws.getRow(2).getCell(2).text, ws.getRow(2).getCell(3).text, ws.getRow(2).getCell(5).text]).toEqual(['2026-11', '7/(1)/a/(j)', 'open']);
    expect((await ccheck('finding', 'register', '-o', 'register.csv')).code).toBe(0);
    expect(readFileSync(path.join(tmp.dir, 'register.csv'), 'utf8').split('\r\n')[1]).toMatch(/,2026-11,7\/\(1\)\/a\/\(j\),medium,open,/);

    // Behind ccheck's back: a direct UPDATE in the database file.
    const file = new SqliteDatabase(path.join(tmp.dir, 'home', 'ccheck.db'));
    file.prepare("update item_results set status = 'pass' where path = ?").run('7/(1)/a/(j)');
    file.close();
    const verify = await ccheck('audit', 'verify');
    expect(verify.code).toBe(6);
    expect(verify.out).toMatch(/row_changed item_results \(7\/\(1\)\/a\/\(j\)\) item_results .* was changed outside ccheck/);
    expect(verify.err).toContain('[AUDIT_CHAIN_BROKEN]');
  });

  it('backs up and restores through the CLI; a wrong key is a clear error', async () => {
    await ccheck('init');
    await ccheck('firm', 'add', '--profile', 'firm.yaml');
    writeFileSync(path.join(tmp.dir, 'contract.txt'), '委外合約：含稽核權條款\n');
    const ev = JSON.parse((await ccheck('evidence', 'add', 'contract.txt', '--firm', '金管證總字第0000號', '--collected-at', '2026-11-01', '--json')).out) as {
      sha256: string;
    };
    const b = await ccheck('backup', 'snap');
    expect(b.code, b.err).toBe(0);
    expect(readFileSync(path.join(tmp.dir, 'snap', 'manifest.sha256'), 'utf8')).toMatch(/^[0-9a-f]{64}  manifest.json/);

    const restoreHome = path.join(tmp.dir, 'restored');
    const keyFile = path.join(tmp.dir, 'home', 'vault.key');
    const inRestored = (key: string, ...args: string[]) => runCcheck(args, { env: { CCHECK_HOME: restoreHome, CCHECK_VAULT_KEY_FILE: key }, cwd: tmp.dir });
    writeFileSync(path.join(tmp.dir, 'other.key'), Buffer.alloc(32, 3).toString('base64'));
    const wrongKey = await inRestored(path.join(tmp.dir, 'other.key'), 'restore', 'snap');
    expect(wrongKey.code).toBe(7);
    expect(wrongKey.err).toContain('[VAULT_KEY_WRONG]');
    const restored = await inRestored(keyFile, 'restore', 'snap');
    expect(restored.code).toBe(0);
    expect(restored.out).toContain('✓ 已還原並驗證稽核軌跡');
    expect((await inRestored(keyFile, 'evidence', 'get', ev.sha256, '-o', 'back.txt')).code).toBe(0);
    expect(readFileSync(path.join(tmp.dir, 'back.txt'), 'utf8')).toBe('委外合約：含稽核權條款\n');
  });
});
