import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCcheck } from '../helpers/cli.js';
import { sha256Hex } from '../../src/io/read-text-file.js';
import { pdfText } from '../helpers/pdf-text.js';
import { tempDir } from '../helpers/shared.js';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const ccheck = (env: NodeJS.ProcessEnv, ...args: string[]) => runCcheck(args, { env, cwd: tmp.dir });

describe('ccheck demo — the main job on the embedded database', () => {
  it('writes the demo firm, runs the month’s inspection with every analyzer, and writes the report', async () => {
    // A server DATABASE_URL in the environment must not pull the demo off its embedded database.
    const env = { LANG: 'zh_TW.UTF-8', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    const r = await ccheck(env, 'demo', 'demo', '--today', '2026-11-27', '--json');
    expect(r.code, r.err).toBe(0);
    const body = JSON.parse(r.out) as {
      period: string;
      report: string;
      workbook: string;
      pdf: string;
      results: Record<string, number>;
      findings: number;
      auditEvents: number;
      previous: { period: string; package: string; fingerprint: string };
    };
    // signin-factors passes 7/(1)/d and its monthly sub-items, signin-attempts passes 7/(1)/j/(g)
    // and 7/(1)/e/(c), accounts fails 8/(2)/h (a shared account); 8/(2)/f keeps its attestation.
    // log-monitoring (8/(4)/d) passes: its one silence and failures have recorded actions;
    // pd-trails (8/(5)/k) fails on two incomplete access records, one more finding.
    expect(body).toMatchObject({ period: '2026-11', results: { pass: 8, partial: 1, fail: 5, not_run: 53 } });
    expect(body.findings).toBe(6); // 5 fail + 1 partial, each opens one finding

    // Last month is complete, approved and signed off, and its package lies beside this month's report and verifies.
    expect(body.previous.period).toBe('2026-10');
    expect(path.dirname(body.previous.package)).toBe(path.dirname(body.report));
    const verified = await ccheck(env, 'package', 'verify', body.previous.package, '--fingerprint', body.previous.fingerprint, '--json');
    expect(verified.code, verified.err).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({
      ok: true,
      problems: [],
      manifest: { period: '2026-10', revision: 1, signoff: { by: '資安長 張協理', role: 'ciso' } },
    });

    const html = readFileSync(body.report, 'utf8');
    expect(html).toContain('<h1>證券商資通安全檢查報告</h1>');
    expect(html).toContain('範例證券股份有限公司');
    expect(html).toContain('符合率（符合 ÷ 已判定）：57.1%（8/14）');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/); // self-contained
    // The analyzers' rows, the evidence hashes, and the sign-off are all there.
    expect(html).toContain('[device-lifecycle] devices.csv:2 tp-fw-edge-01');
    expect(html).toContain('[rule-set] fw-edge-01.asa:19 legacy-vendor-access — legacy-vendor-access (line 19) 允許範圍過大');
    expect(html).toContain('[pd-trails] pd-access.csv:8  — 第 8 行：存取紀錄缺少登入帳號');
    expect(html).toContain('已記錄處理措施：重新啟動 rsyslog 轉送並補傳 11/12–11/13 日誌（log-actions.csv 第 2 列）');
    expect(html).toContain(sha256Hex(readFileSync(path.join(tmp.dir, 'demo', 'devices.csv'))));
    expect(html).toContain('✓ 權責主管 陳經理');

    // The checklist workbook: real cells, one row per item, filters and a frozen header.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(body.workbook);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['封面 Cover', '查核項目 Items', '缺失 Findings', '佐證 Evidence', '簽核歷程 Signatures']);
    const items = wb.getWorksheet('查核項目 Items')!;
    expect(items.getRow(1).getCell(1).value).toBe('項次 Path');
    expect(items.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(items.autoFilter).toBeTruthy();
    const row = Array.from({ length: items.rowCount }, (_, k) => items.getRow(k + 1)).find((x) => x.getCell(1).value === '7/(1)/a/(h)')!;
    expect([row.getCell(2).value, row.getCell(4).value, row.getCell(6).value]).toEqual(['CC-17010', '符合', '資安專員 王小明']);
    expect(row.getCell(7).text).toMatch(/^已覆核 權責主管 陳經理/);
    expect(wb.getWorksheet('缺失 Findings')!.rowCount).toBe(1 + body.findings);
    expect(wb.getWorksheet('佐證 Evidence')!.getRow(2).getCell(2).text).toMatch(/^[0-9a-f]{64}$/);

    // The PDF: fonts embedded (no system font assumed), text extractable as a reader copies it.
    const pdf = readFileSync(body.pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/FontName \/[A-Z]{6}\+NotoSansHant-Regular/);
    const text = pdfText(pdf);
    expect(text).toContain('證券商資通安全檢查報告');
    expect(text).toContain('範例證券股份有限公司');
    expect(text).toContain('符合率（符合 ÷ 已判定）：57.1%（8/14）');
    expect(text).toContain('2026-11：民國115年11月1日（2026-11-01） – 民國115年11月30日（2026-11-30）');

    const home = { ...env, CCHECK_HOME: path.join(tmp.dir, 'demo', '.ccheck'), DATABASE_URL: path.join(tmp.dir, 'demo', '.ccheck', 'ccheck.db') };
    expect((await ccheck(home, 'audit', 'verify')).code).toBe(0);
    const again = await ccheck(env, 'demo', 'demo', '--today', '2026-11-27');
    expect(again.code).toBe(5);
    expect(again.err).toContain('[OUTPUT_EXISTS]');
    const forced = await ccheck(env, 'demo', 'demo', '--today', '2026-11-27', '--force');
    expect(forced.code, forced.err).toBe(0);
    expect(forced.out).toContain('範例證券商 2026-11 查核完成：');
    expect((await ccheck(home, 'audit', 'verify')).code).toBe(0);
    const report = await ccheck(home, 'report', '--firm', '金管證總字第0000號', '--period', '2026-11', '-o', 'again.html', '--lang', 'en');
    expect(report.code, report.err).toBe(0);
    expect(readFileSync(path.join(tmp.dir, 'again.html'), 'utf8')).toContain('Securities Firm Cybersecurity Inspection Report');
    expect((await ccheck(home, 'report', '--firm', '金管證總字第0000號', '--period', '2026-11', '--format', 'docx')).code).toBe(3);
    const pdfReport = await ccheck(home, 'report', '--firm', '金管證總字第0000號', '--period', '2026-11', '--format', 'pdf', '-o', 'again.pdf');
    expect(pdfReport.code, pdfReport.err).toBe(0);
    expect(pdfText(readFileSync(path.join(tmp.dir, 'again.pdf')))).toContain('查核項目明細');
    const enPdf = await ccheck(home, 'report', '--firm', '金管證總字第0000號', '--period', '2026-11', '--format', 'pdf', '--lang', 'en', '-o', 'en.pdf');
    expect(enPdf.code, enPdf.err).toBe(0);
    const enText = pdfText(readFileSync(path.join(tmp.dir, 'en.pdf')));
    expect(enText).toContain('Securities Firm Cybersecurity Inspection Report');
    expect(enText).toContain('Compliance rate');
    expect(enText).toContain('範例證券股份有限公司'); // the firm's own name stays as registered

    // Reports and exports hold the firm's results and evidence: written for the owner only (0600).
    const firm = ['--firm', '金管證總字第0000號'];
    const reportJson = await ccheck(home, 'report', ...firm, '--period', '2026-11', '--format', 'xlsx', '--json');
    expect(reportJson.code, reportJson.err).toBe(0);
    expect(JSON.parse(reportJson.out)).toMatchObject({ file: path.join(tmp.dir, 'inspection-report-2026-11.xlsx'), format: 'xlsx', period: '2026-11' });
    const pkg = await ccheck(home, 'package', 'export', ...firm, '--period', '2026-10', '-o', 'handed-out.zip', '--json');
    expect(pkg.code, pkg.err).toBe(0);
    expect(JSON.parse(pkg.out)).toMatchObject({ name: 'ccheck-package-金管證總字第0000號-2026-10-r1.zip', fingerprint: body.previous.fingerprint });
    expect((await ccheck(home, 'package', 'export', ...firm, '--period', '2026-10', '-o', 'handed-out.zip')).err).toContain('[OUTPUT_EXISTS]');
    expect((await ccheck(home, 'finding', 'register', '-o', 'register.csv')).code).toBe(0);
    expect((await ccheck(home, 'export', 'oscal', 'results', ...firm, '--period', '2026-11', '-o', 'ar.json')).code).toBe(0);
    const written = [body.report, body.workbook, body.pdf, body.previous.package, 'again.html', 'again.pdf', 'inspection-report-2026-11.xlsx', 'handed-out.zip']
      .concat(['register.csv', 'ar.json'])
      .map((f) => path.resolve(tmp.dir, f));
    for (const f of written) expect([f, statSync(f).mode & 0o777]).toEqual([f, 0o600]);
  });
});
