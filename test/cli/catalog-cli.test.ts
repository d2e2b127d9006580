import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCcheck } from '../helpers/cli.js';
import { packageRoot } from '../../src/io/catalog-data.js';
import { SEED, tempDir } from '../helpers/shared.js';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const ccheck = (...args: string[]) => runCcheck(args, { env: { CCHECK_HOME: path.join(tmp.dir, 'home'), LANG: 'zh_TW.UTF-8' }, cwd: tmp.dir, columns: 120 });
const json = <T>(s: string) => JSON.parse(s) as T;

describe('ccheck catalog (CLI)', () => {
  it('versions --json lists the shipped versions with id, date and hash', async () => {
    const r = await ccheck('catalog', 'versions', '--json');
    expect(r.code).toBe(0);
    const v = json<{ versions: { id: string; effective_date: string | null; hash: string; origin: string }[] }>(r.out).versions;
    expect(v.map((x) => [x.id, x.effective_date, x.origin])).toEqual([
      ['before-2023-08-23', null, 'builtin'],
      ['2023-08-23', '2023-08-23', 'builtin'],
    ]);
    expect(v[1]!.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('show --json prints the documented keys; a path narrows to that item and what is under it', async () => {
    const r = await ccheck('catalog', 'show', '2023-08-23', '7/(1)/d', '--json');
    expect(r.code).toBe(0);
    const body = json<{ id: string; effective_date: string; hash: string; nodes: Record<string, unknown>[] }>(r.out);
    expect(Object.keys(body)).toEqual(['id', 'effective_date', 'hash', 'nodes']);
    expect(body.nodes.map((n) => n.path)).toEqual(['7/(1)/d', '7/(1)/d/(a)', '7/(1)/d/(b)', '7/(1)/d/(c)']);
    expect(Object.keys(body.nodes[0]!).slice(0, 10)).toEqual([
      'path',
      'code',
      'title',
      'text',
      'status',
      'frequency',
      'applies_to',
      'tier_dependent',
      'strength',
      'rationale',
    ]);
    expect(body.nodes[0]).toMatchObject({
      code: 'CC-17010',
      title: '多因子驗證',
      frequency: 'monthly',
      applies_to: 'internet_order_brokers',
      strength: 'shall',
    });
  });

  it('show without --json is a readable table, zh-TW by default and English on request', async () => {
    const zh = await ccheck('catalog', 'show', '2023-08-23', '7/(2)/c');
    expect(zh.out).toContain('項次');
    expect(zh.out).toContain('民國112年8月23日（2023-08-23）');
    expect(zh.out).toMatch(/7\/\(2\)\/c\/\(g\)\s+CC-17020\s+半年\s+所有證券商\s+宜/);
    const en = await ccheck('--lang', 'en', 'catalog', 'show', '2023-08-23', '7/(2)/c');
    expect(en.out).toMatch(/7\/\(2\)\/c\/\(g\)\s+CC-17020\s+semi-annual\s+all brokers\s+should/);
    const after = await ccheck('catalog', 'show', '2023-08-23', '7/(2)/c', '--lang', 'en'); // also after the command
    expect(after.out).toBe(en.out);
  });

  it('diff --json gives kind, path, old_path and code of every change', async () => {
    const r = await ccheck('catalog', 'diff', 'before-2023-08-23', '2023-08-23', '--json');
    expect(r.code).toBe(0);
    const d = json<{ from: string; to: string; changes: { kind: string; path: string | null; old_path: string | null; code: string | null }[] }>(r.out);
    expect([d.from, d.to]).toEqual(['before-2023-08-23', '2023-08-23']);
    expect(d.changes).toContainEqual(expect.objectContaining({ kind: 'added', path: '7/(1)/a/(j)', old_path: null, code: 'CC-17010' }));
    expect(d.changes).toContainEqual(expect.objectContaining({ kind: 'renumbered', path: '7/(1)/f', old_path: '7/(1)/e', code: 'CC-17010' }));
    expect(d.changes).toContainEqual(expect.objectContaining({ kind: 'modified', path: '10/(3)', old_path: '10/(3)', code: 'CC-20000' }));
    expect(new Set(d.changes.map((c) => c.kind))).toEqual(new Set(['added', 'modified', 'renumbered', 'renumbered_and_modified']));
  });

  it('diff without --json shows old and new text side by side', async () => {
    const r = await ccheck('catalog', 'diff', 'before-2023-08-23', '2023-08-23');
    expect(r.out).toMatch(/■ 修正\s+1\/\(4\)\s+CC-11000/);
    expect(r.out).toMatch(/應評估核心系統可容忍中斷時間。\s+│ 應評估核心系統可容忍中斷時間、復原時間目標/);
    expect(r.out).toContain('■ 項次調整  7/(1)/e → 7/(1)/f');
    expect(r.out).toContain('另適用於所有證券商之項目: a, b, e → a, b, f');
    expect(r.out).toContain('項次生效日: 2023-02-28 → —');
  });

  it('import-amendment of the seed is recognised as the shipped versions; a second import changes nothing', async () => {
    const first = await ccheck('catalog', 'import-amendment', SEED, '--json');
    expect(first.code).toBe(0);
    const body = json<{ versions: { id: string; written: boolean }[]; notices: { kind: string }[] }>(first.out);
    expect(body.versions).toEqual([
      expect.objectContaining({ id: 'before-2023-08-23', written: false }),
      expect.objectContaining({ id: '2023-08-23', written: false }),
    ]);
    expect(body.notices.some((n) => n.kind === 'rationale_unresolved')).toBe(true);

    // Other versions are kept in the database: refused until it is set up, with nothing written anywhere.
    const early = await ccheck('catalog', 'import-amendment', SEED, '--id', 'seed-copy', '--effective-date', '112年8月23日', '--json');
    expect(early.code).not.toBe(0);
    expect(json<{ error: { code: string } }>(early.err).error.code).toBe('STORE_NOT_INITIALISED');
    expect(existsSync(path.join(tmp.dir, 'home', 'catalog'))).toBe(false);
    expect((await ccheck('init')).code).toBe(0);

    const other = await ccheck('catalog', 'import-amendment', SEED, '--id', 'seed-copy', '--effective-date', '112年8月23日');
    expect(other.code).toBe(0);
    expect(other.out).toContain('已寫入版本 seed-copy');
    expect(other.out).toContain('已寫入版本 before-seed-copy');
    const again = await ccheck('catalog', 'import-amendment', SEED, '--id', 'seed-copy', '--effective-date', '2023-08-23');
    expect(again.out).toContain('版本 seed-copy 已存在且內容相同');
    const clash = await ccheck('catalog', 'import-amendment', SEED, '--id', 'seed-copy', '--effective-date', '2023-09-01');
    expect(clash.code).toBe(5);
    expect(clash.err).toContain('[CATALOG_VERSION_CONFLICT]');
  });

  it('bad input: a clear error in zh-TW and English naming file and line, exit 3, nothing stored', async () => {
    const truncated = path.join(tmp.dir, 'cut.txt');
    const cut = readFileSync(SEED, 'utf8').slice(0, 3000);
    writeFileSync(truncated, cut);
    const lastLine = cut.split('\n').length;
    const r = await ccheck('catalog', 'import-amendment', truncated);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(new RegExp(`^錯誤 \\[AMENDMENT_TRUNCATED\\] 檔案 .*cut\\.txt，第 ${lastLine} 行，欄位「`, 'm'));
    expect(r.err).toMatch(new RegExp(`^Error \\[AMENDMENT_TRUNCATED\\] .*cut\\.txt: line ${lastLine}, column`, 'm'));
    expect(existsSync(path.join(tmp.dir, 'home', 'catalog'))).toBe(false);

    const notTable = path.join(tmp.dir, 'devices.csv');
    writeFileSync(notTable, 'hostname,model\nfw1,ASA5506\n');
    const n = await ccheck('catalog', 'import-amendment', notTable, '--json');
    expect(n.code).toBe(3);
    expect(json<{ error: { code: string; location: { line: number } } }>(n.err).error).toMatchObject({
      code: 'AMENDMENT_NOT_A_COMPARISON_TABLE',
      location: { line: 1 },
    });

    const missing = await ccheck('catalog', 'show', 'no-such-version');
    expect(missing.code).toBe(4);
    expect(missing.err).toContain('找不到檢查項目版本「no-such-version」');
    const badPath = await ccheck('catalog', 'show', '2023-08-23', '7-1-d');
    expect(badPath.code).toBe(3);
    const noNode = await ccheck('catalog', 'show', '2023-08-23', '7/(1)/z');
    expect(noNode.code).toBe(4);
    expect((await ccheck('catalog', 'bogus')).code).toBe(2);
  });

  it('checklist-template writes a sheet the firm completes, and import-checklist reads it back', async () => {
    const out = path.join(tmp.dir, 'template.xlsx');
    const t = await ccheck('catalog', 'checklist-template', '2023-08-23', '-o', out);
    expect(t.code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).values).toEqual([
      undefined,
      '項次 / path',
      '控制代碼 / cc_code',
      '標題 / title',
      '條文 / text',
      '英文條文 / text_en',
      '查核頻率 / frequency',
    ]);
    const target = Array.from({ length: ws.rowCount }, (_, i) => ws.getRow(i + 1)).find((r) => r.getCell(1).value === '7/(1)/g')!;
    expect(target.getCell(3).value).toBe('網路系統功能檢查');
    expect(target.getCell(4).value).toBeNull(); // elided: for the firm to fill
    target.getCell(4).value = '公司應定期檢查網路系統功能。';
    // Points 13 and 14, elided by the table under (以下略), are rows the firm can fill too.
    const rowOf = (p: string) => Array.from({ length: ws.rowCount }, (_, i) => ws.getRow(i + 1)).find((r) => r.getCell(1).value === p);
    expect([rowOf('13')?.getCell(2).value, rowOf('13')?.getCell(4).value, rowOf('13')?.getCell(6).value]).toEqual(['CC-22000', null, 'semiannual']);
    expect([rowOf('14')?.getCell(2).value, rowOf('14')?.getCell(4).value, rowOf('14')?.getCell(6).value]).toEqual(['CC-23000', null, 'monthly']);
    rowOf('14')!.getCell(4).value = '使用主機共置服務之證券商應訂定主機共置服務管理規範。';
    await wb.xlsx.writeFile(out);

    expect((await ccheck('init')).code).toBe(0);
    const r = await ccheck('catalog', 'import-checklist', out, '--base', '2023-08-23', '--id', 'firm-2023', '--json');
    expect(r.code).toBe(0);
    expect(json<{ filled: string[]; conflicts: unknown[] }>(r.out)).toMatchObject({ filled: ['7/(1)/g', '14'], conflicts: [] });
    const point14 = json<{ nodes: { text: string; status: string; text_source: string; code: string; applies_to: string }[] }>(
      (await ccheck('catalog', 'show', 'firm-2023', '14', '--json')).out,
    );
    expect(point14.nodes[0]).toMatchObject({
      text: '使用主機共置服務之證券商應訂定主機共置服務管理規範。',
      status: 'text',
      text_source: 'firm_checklist',
      code: 'CC-23000',
      applies_to: 'colocation_users',
    });
    const shown = json<{ nodes: { text: string; status: string }[] }>((await ccheck('catalog', 'show', 'firm-2023', '7/(1)/g', '--json')).out);
    expect(shown.nodes[0]).toMatchObject({ text: '公司應定期檢查網路系統功能。', status: 'text' });
    // In the database, not on this machine's disk: listed as an import.
    expect(existsSync(path.join(tmp.dir, 'home', 'catalog'))).toBe(false);
    const listed = json<{ versions: { id: string; origin: string }[] }>((await ccheck('catalog', 'versions', '--json')).out).versions;
    expect(listed.map((v) => [v.id, v.origin])).toContainEqual(['firm-2023', 'user']);
  });

  it('converts 民國 and Gregorian dates', async () => {
    expect(json<{ iso: string; roc: string }>((await ccheck('date', '112年8月15日', '--json')).out)).toEqual({ iso: '2023-08-15', roc: '112年8月15日' });
    expect((await ccheck('date', '2023-08-15')).out).toBe('2023-08-15\t民國112年8月15日\n');
    expect((await ccheck('date', '112年2月30日')).code).toBe(3);
  });

  it('the installed bin answers --version and --help', () => {
    const bin = path.join(packageRoot(), 'bin', 'ccheck.js');
    const version = (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).trim()).toBe(version);
    const help = execFileSync(process.execPath, [bin, 'catalog', '--help'], { encoding: 'utf8' });
    for (const cmd of ['versions', 'show', 'diff', 'import-amendment', 'import-checklist']) expect(help).toContain(cmd);
  });
});
