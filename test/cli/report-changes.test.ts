import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/io/catalog-data.js';
import { runCcheck } from '../helpers/cli.js';
import { pdfText } from '../helpers/pdf-text.js';
import { tempDir } from '../helpers/shared.js';

let tmp: { dir: string; cleanup: () => void };
let env: NodeJS.ProcessEnv;
const ccheck = (...args: string[]) => runCcheck(args, { env, cwd: tmp.dir });
const FIRM = '金管證總字第0000號';

beforeAll(async () => {
  tmp = tempDir();
  env = { LANG: 'zh_TW.UTF-8', CCHECK_HOME: path.join(tmp.dir, 'home'), DATABASE_URL: path.join(tmp.dir, 'home', 'ccheck.db'), CCHECK_USER: 'officer' };
  for (const args of [
    ['init'],
    ['firm', 'add', '--profile', path.join(packageRoot(), 'data', 'templates', 'firm-profile.yaml')],
    // July 2023 was inspected against the text before the amendment; September against the amended one.
    ['inspect', 'start', '--firm', FIRM, '--period', '2023-07', '--version', 'before-2023-08-23'],
    ['inspect', 'start', '--firm', FIRM, '--period', '2023-09'],
  ]) {
    const r = await ccheck(...args);
    expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
  }
});
afterAll(() => tmp.cleanup());

describe('the report’s change section', () => {
  it('lists what changed since the previous inspection’s catalog version, in HTML, XLSX and PDF', async () => {
    expect((await ccheck('report', '--firm', FIRM, '--period', '2023-09', '-o', 'sep.html')).code).toBe(0);
    const html = readFileSync(path.join(tmp.dir, 'sep.html'), 'utf8');
    expect(html).toContain('<h2 id="catalog-changes">檢查項目版本異動</h2>');
    expect(html).toContain('前次查核（2023-07）使用版本 before-2023-08-23，本次使用較新之版本 2023-08-23。');
    const section = html.slice(html.indexOf('id="catalog-changes"'), html.indexOf('<h2>查核項目明細'));
    const rows = section.match(/<tr><td>[^<]+<\/td><td class="path">[^<]*<\/td>/g) ?? [];
    expect(rows).toHaveLength(68); // every change the 2023 amendment made (pinned by the import tests)
    // 7/(1)/a/(j), new in 2023 and monthly, is in this run; the renumbering d–k → e–l is shown old → new.
    expect(section).toMatch(/<tr><td>新增<\/td><td class="path">7\/\(1\)\/a\/\(j\)<\/td>.*?<td>✓<\/td><\/tr>/);
    expect(section).toContain('7/(1)/d → 7/(1)/e');

    expect((await ccheck('report', '--firm', FIRM, '--period', '2023-09', '--format', 'xlsx', '-o', 'sep.xlsx')).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(tmp.dir, 'sep.xlsx'));
    const ws = wb.getWorksheet('版本異動 Changes')!;
    expect(ws.rowCount).toBe(1 + 68);
    const aj = Array.from({ length: ws.rowCount }, (_, k) => ws.getRow(k + 1)).find((r) => r.getCell(3).value === '7/(1)/a/(j)')!;
    expect([aj.getCell(1).value, aj.getCell(7).value]).toEqual(['新增', '✓']);

    expect((await ccheck('report', '--firm', FIRM, '--period', '2023-09', '--format', 'pdf', '-o', 'sep.pdf')).code).toBe(0);
    const text = pdfText(readFileSync(path.join(tmp.dir, 'sep.pdf')));
    expect(text).toContain('檢查項目版本異動');
    expect(text).toContain('前次查核（2023-07）使用版本 before-2023-08-23');
  });

  it('has no change section when the previous inspection used the same version, or there is none', async () => {
    expect((await ccheck('report', '--firm', FIRM, '--period', '2023-07', '-o', 'jul.html')).code).toBe(0);
    expect(readFileSync(path.join(tmp.dir, 'jul.html'), 'utf8')).not.toContain('catalog-changes');
    expect((await ccheck('inspect', 'start', '--firm', FIRM, '--period', '2023-10')).code).toBe(0);
    expect((await ccheck('report', '--firm', FIRM, '--period', '2023-10', '-o', 'oct.html')).code).toBe(0);
    expect(readFileSync(path.join(tmp.dir, 'oct.html'), 'utf8')).not.toContain('catalog-changes');
  });

  it('takes the inspection by the id inspect list shows, and says how to name one otherwise', async () => {
    const list = await ccheck('inspect', 'list', '--firm', FIRM);
    const row = list.out.split('\n').find((l) => l.includes('2023-09'))!;
    const id = /\b([0-9a-f]{8})\b/.exec(row)![1]!;
    const r = await ccheck('report', id, '-o', 'by-id.html');
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(path.join(tmp.dir, 'by-id.html'), 'utf8')).toContain('2023-09');
    expect((await ccheck('report', '-o', 'x.html')).code).toBe(2);
    const unknown = await ccheck('report', 'ffffffff');
    expect(unknown.code).toBe(4);
    expect(unknown.err).toContain('[RUN_NOT_FOUND]');
  });
});
