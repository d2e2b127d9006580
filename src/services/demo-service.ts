import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CoreError } from '../core/errors.js';
import { periodContaining } from '../core/plan/periods.js';
import { packageRoot, reportFonts } from '../io/catalog-data.js';
import { parseProfile } from '../io/read-profile.js';
import { renderInspectionReportHtml } from '../reports/inspection-report-html.js';
import { renderInspectionReportPdf } from '../reports/inspection-report-pdf.js';
import { renderInspectionReportXlsx } from '../reports/inspection-report-xlsx.js';
import { analyzeFiles, recordAnalysis } from './analysis-service.js';
import { InspectionService, type Clock } from './inspection-service.js';
import { buildReportData } from './report-service.js';

const OFFICER = '資安專員 王小明';
const SUPERVISOR = '權責主管 陳經理';

export interface DemoResult {
  readonly dir: string;
  readonly home: string;
  readonly period: string;
  readonly report: string;
  readonly workbook: string;
  readonly pdf: string;
  readonly results: Readonly<Record<string, number>>;
  readonly findings: number;
  readonly auditEvents: number;
}

function addYear(date: string): string {
  return `${Number(date.slice(0, 4)) + 1}${date.slice(4)}`;
}

/**
 * The main job, end to end, on the embedded SQLite database: writes a demo firm's files into
 * `dir` (a profile, a device inventory, the firm's lifecycle table, a firewall and a host rule
 * set), runs this month's inspection with every analyzer and a few attestations and sign-offs,
 * and writes the inspection report.
 */
export async function runDemo(
  dir: string,
  env: NodeJS.ProcessEnv,
  clock: Clock,
  options: { force?: boolean; lang?: 'zh-TW' | 'en' } = {},
): Promise<DemoResult> {
  if (existsSync(dir) && readdirSync(dir).length > 0 && !options.force) {
    throw new CoreError('OUTPUT_EXISTS', `${dir} is not empty; choose a new folder or pass --force`, {}, { file: dir });
  }
  mkdirSync(dir, { recursive: true });
  const demo = path.join(packageRoot(), 'data', 'demo');
  for (const f of readdirSync(demo)) copyFileSync(path.join(demo, f), path.join(dir, f));
  copyFileSync(path.join(packageRoot(), 'data', 'templates', 'firm-profile.yaml'), path.join(dir, 'firm-profile.yaml'));

  // The demo always runs on its own embedded database and key, inside the folder it writes.
  const home = path.join(dir, '.ccheck');
  const demoEnv: NodeJS.ProcessEnv = { ...env, CCHECK_HOME: home, DATABASE_URL: path.join(home, 'ccheck.db'), CCHECK_VAULT_KEY: '', CCHECK_VAULT_KEY_FILE: '' };
  const s = await InspectionService.connect(home, demoEnv, clock, { create: true });
  try {
    await s.init();
    const profile = parseProfile(readFileSync(path.join(dir, 'firm-profile.yaml'), 'utf8'), path.join(dir, 'firm-profile.yaml'));
    const licence = profile.firm.licence;
    if (!(await s.listFirms()).some((f) => f.licence === licence)) await s.addFirm(OFFICER, profile);
    const today = clock.today();
    const period = periodContaining(today, 'monthly').id;
    if (!(await s.listRuns()).some((r) => r.period === period)) await s.startRun(OFFICER, licence, period);
    const ref = { firm: licence, period, collectedAt: today };

    const lifecycleFiles = ['devices.csv', 'vendor-lifecycle.csv'].map((f) => path.join(dir, f));
    await recordAnalysis(s, 'ccheck 自動化檢查', await analyzeFiles('device-lifecycle', lifecycleFiles, today), lifecycleFiles, ref);
    const ruleFiles = ['fw-edge-01.asa', 'jump-host.iptables'].map((f) => path.join(dir, f));
    await recordAnalysis(s, 'ccheck 自動化檢查', await analyzeFiles('rule-set', ruleFiles, today), ruleFiles, ref);

    const expires = addYear(today);
    const attest = (p: string, status: 'pass' | 'partial', justification: string) =>
      s.setResult(OFFICER, { firm: licence, period, path: p }, { status, source: 'attestation', justification, expiresOn: expires });
    await attest('7/(1)/a/(h)', 'pass', '遠端連線管理辦法 v3 本月已覆核；VPN 採帳密＋OTP，維護紀錄由權責主管每月覆核');
    await attest('7/(1)/c/(c)', 'pass', '網路下單登入採固定密碼＋綁定裝置（知識＋持有兩類因子）');
    await attest('8/(2)/f', 'partial', '半年帳號審查已完成 92%；3 個閒置帳號待主管核可後停用');
    await s.approve(SUPERVISOR, { firm: licence, period, path: '7/(1)/a/(h)' });
    await s.approve(SUPERVISOR, { firm: licence, period, path: '7/(1)/c/(c)' });

    const eol = (await s.listFindings()).find((f) => f.path === '7/(1)/a/(j)' && f.status === 'open');
    if (eol) {
      await s.updateFinding(
        OFFICER,
        eol.id,
        {
          rootCause: '設備汰換未納入年度預算',
          correctiveAction: '擬定 tp-fw-edge-01 汰換計畫並提報資訊預算',
          owner: '網路組 林工程師',
          dueOn: `${today.slice(0, 8)}28`,
        },
        'in_progress',
      );
    }

    const data = await buildReportData(s, licence, period, today);
    const report = path.join(dir, `inspection-report-${period}.html`);
    writeFileSync(report, renderInspectionReportHtml(data, options.lang ?? 'zh-TW'));
    const workbook = path.join(dir, `inspection-report-${period}.xlsx`);
    writeFileSync(workbook, await renderInspectionReportXlsx(data));
    const pdf = path.join(dir, `inspection-report-${period}.pdf`);
    writeFileSync(pdf, await renderInspectionReportPdf(data, reportFonts()));
    const results: Record<string, number> = {};
    for (const i of data.items) results[i.effectiveStatus] = (results[i.effectiveStatus] ?? 0) + 1;
    const audit = await s.verifyAudit();
    return { dir, home, period, report, workbook, pdf, results, findings: data.findings.length, auditEvents: audit.events };
  } finally {
    await s.close();
  }
}
