// The report benchmark (issue 6: a full run's report with 1,000 evidence files and 500 findings in
// each format in under 3 s). Builds a real SQLite store in the temp folder: nine monthly
// inspections of the demo firm, where every applicable item of the eight earlier months failed
// (so about 500 findings are open), and the current month's items rest on 1,000 evidence files
// and an analyzer report with 500 rows.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AnalyzerReport } from '../src/core/analysis/analyzer.js';
import { packageRoot, reportFonts } from '../src/io/catalog-data.js';
import { parseProfile } from '../src/io/read-profile.js';
import { oscalAssessmentResults } from '../src/reports/oscal/oscal-assessment-results.js';
import { renderInspectionReportHtml } from '../src/reports/inspection-report-html.js';
import { renderInspectionReportPdf } from '../src/reports/inspection-report-pdf.js';
import { renderInspectionReportXlsx } from '../src/reports/inspection-report-xlsx.js';
import { InspectionService, type Clock } from '../src/services/inspection-service.js';
import { buildReportData } from '../src/services/report-service.js';

/** One row of the benchmark table (scripts/bench.ts prints them). */
export interface BenchRow {
  name: string;
  input: string;
  seconds: number;
  rate: string;
  peakRssMb: number;
  baseline?: string;
}

type Measure = (fn: () => Promise<void> | void) => Promise<{ seconds: number; peakRssMb: number }>;

export async function benchReports(work: string, measure: Measure): Promise<BenchRow[]> {
  const home = path.join(work, 'report-home');
  mkdirSync(home, { recursive: true });
  const clock: Clock = { now: () => '2026-11-27T02:00:00.000Z', today: () => '2026-11-27' };
  const env = { CCHECK_HOME: home, DATABASE_URL: path.join(home, 'ccheck.db'), CCHECK_VAULT_KEY: Buffer.alloc(32, 7).toString('hex') };
  const s = await InspectionService.connect(home, env, clock, { create: true });
  const t0 = performance.now();
  try {
    await s.init();
    const profile = parseProfile(readFileSync(path.join(packageRoot(), 'data', 'templates', 'firm-profile.yaml'), 'utf8'), 'template');
    const firm = profile.firm.licence;
    await s.addFirm('bench', profile);
    for (let m = 3; m <= 10; m++) {
      const period = `2026-${String(m).padStart(2, '0')}`;
      await s.startRun('bench', firm, period);
      for (const r of (await s.results(firm, period)).results.filter((x) => x.status !== 'not_applicable'))
        await s.setResult('bench', { firm, period, path: r.path }, { status: 'fail', source: 'system', justification: `${period} 未符合` });
    }
    const period = '2026-11';
    await s.startRun('bench', firm, period);
    const items = (await s.results(firm, period)).results.filter((x) => x.status !== 'not_applicable').map((r) => r.path);
    const files = path.join(work, 'report-evidence');
    mkdirSync(files, { recursive: true });
    const shas: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const f = path.join(files, `evidence-${String(i).padStart(4, '0')}.csv`);
      writeFileSync(f, `主機名稱 / hostname,紀錄 / record\nhost-${i},${'x'.repeat(200 + (i % 50))}\n`);
      shas.push((await s.addEvidence('bench', firm, f, { collectedAt: '2026-11-27' })).evidence.sha256);
    }
    for (const [k, p] of items.entries()) {
      const mine = shas.filter((_, i) => i % items.length === k);
      await s.setResult(
        'bench',
        { firm, period, path: p },
        { status: 'pass', source: 'attestation', justification: '權責主管已覆核本月紀錄', expiresOn: '2027-11-27', evidence: mine },
      );
    }
    const report: AnalyzerReport = {
      analyzer: 'rule-set',
      items: [items[0]!],
      verdict: 'fail',
      scope: 500,
      summary: 'bench',
      summaryZh: 'bench',
      findings: Array.from({ length: 500 }, (_, i) => ({
        kind: 'shadowed',
        severity: 'medium' as const,
        file: 'evidence-0000.csv',
        line: i + 2,
        rule: `rule-${i}`,
        detail: `rule ${i} is never reached: earlier rules cover it`,
        detailZh: `規則 ${i} 永遠不會被比對到：已被前面的規則完全涵蓋`,
        clause: '7/(1)/b/(h)',
        failing: true,
        blocking: [{ file: 'evidence-0000.csv', line: 1, rule: 'rule-0' }],
      })),
    };
    await s.storeAnalyzerReport('bench', { firm, period }, report, [shas[0]!], JSON.stringify(report));
    const setup = (performance.now() - t0) / 1000;

    let data = await buildReportData(s, firm, period, '2026-11-27');
    const input = `${data.items.length} items, ${new Set(data.items.flatMap((i) => i.evidence.map((e) => e.sha256))).size} evidence, ${data.findings.length} findings, 500 analyzer rows`;
    const rows: BenchRow[] = [];
    const assemble = await measure(async () => {
      data = await buildReportData(s, firm, period, '2026-11-27');
    });
    rows.push({ name: 'report: assemble from the store (SQLite, incl. audit verify)', input, ...assemble, rate: `setup ${setup.toFixed(1)} s` });
    let json = 0;
    const baseline = await measure(() => {
      json = JSON.stringify(data).length;
    });
    const vs = (x: number) => `${(x / Math.max(baseline.seconds, 1e-6)).toFixed(0)}× JSON.stringify (${(baseline.seconds * 1000).toFixed(1)} ms)`;
    let size = 0;
    const html = await measure(() => {
      size = renderInspectionReportHtml(data).length;
    });
    rows.push({ name: 'report: HTML', input, ...html, rate: `${(size / 2 ** 10).toFixed(0)} KiB`, baseline: vs(html.seconds) });
    const xlsx = await measure(async () => {
      size = (await renderInspectionReportXlsx(data)).length;
    });
    rows.push({ name: 'report: XLSX', input, ...xlsx, rate: `${(size / 2 ** 10).toFixed(0)} KiB`, baseline: vs(xlsx.seconds) });
    const fonts = reportFonts();
    const pdf = await measure(async () => {
      size = (await renderInspectionReportPdf(data, fonts)).length;
    });
    rows.push({ name: 'report: PDF (embedded Noto Sans Hant subset)', input, ...pdf, rate: `${(size / 2 ** 10).toFixed(0)} KiB`, baseline: vs(pdf.seconds) });
    const oscal = await measure(() => {
      size = JSON.stringify(oscalAssessmentResults(data, { oscalVersion: '1.2.1', lastModified: '2026-11-27T10:00:00+08:00' })).length;
    });
    rows.push({ name: 'report: OSCAL assessment-results', input, ...oscal, rate: `${(size / 2 ** 10).toFixed(0)} KiB`, baseline: vs(oscal.seconds) });
    void json;
    return rows;
  } finally {
    await s.close();
  }
}
