import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { addDays } from '../core/dates.js';
import { CoreError } from '../core/errors.js';
import { localOperator } from '../core/people/actor.js';
import { packageRoot } from '../io/catalog-data.js';
import { InspectionService, type Clock } from './inspection-service.js';
import { runFromFiles } from './run-service.js';
import { signedPackage } from './use-cases/packages.js';
import { inspectionReports } from './use-cases/reports.js';

const OFFICER = '資安專員 王小明';
const SUPERVISOR = '權責主管 陳經理';
const CISO = '資安長 張協理';

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
  /** Last month's inspection: complete, approved, signed off, and its package. */
  readonly previous: { readonly period: string; readonly package: string; readonly fingerprint: string };
}

/**
 * Writes a file the demo hands out; the CLI passes its own (atomic, owner-only). The default is
 * owner-only too (`ccheck serve --demo` uses it): reports and packages hold a firm's evidence.
 */
export type OutputWriter = (file: string, body: Buffer | Readable) => Promise<unknown>;
const plainWrite: OutputWriter = (file, body) => writeFile(file, body, { mode: 0o600 });

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
  options: { force?: boolean; lang?: 'zh-TW' | 'en'; write?: OutputWriter } = {},
): Promise<DemoResult> {
  const write = options.write ?? plainWrite;
  if (existsSync(dir) && readdirSync(dir).length > 0 && !options.force) {
    throw new CoreError('OUTPUT_EXISTS', `${dir} is not empty; it was not overwritten`, {}, { file: dir });
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
    // The same path as `ccheck run` on a firm's own folder: profile + evidence folder + manifest.
    const run = await runFromFiles(s, {
      profileFile: path.join(dir, 'firm-profile.yaml'),
      evidenceDir: dir,
      actor: OFFICER,
      analyzerActor: 'ccheck 自動化檢查',
    });
    const { licence, period } = run;
    await s.approve(SUPERVISOR, { firm: licence, period, path: '7/(1)/a/(h)' });
    await s.approve(SUPERVISOR, { firm: licence, period, path: '7/(1)/c/(c)' });

    const today = clock.today();
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

    const previous = await signedPreviousMonth(s, licence, period, dir, options.lang ?? 'zh-TW', write);
    const out = await inspectionReports({ inspections: s }, localOperator(OFFICER), { firm: licence, period, lang: options.lang ?? 'zh-TW' });
    const at = (f: 'html' | 'xlsx' | 'pdf') => path.join(dir, out.files[f].name);
    for (const f of ['html', 'xlsx', 'pdf'] as const) await write(at(f), out.files[f].body);
    const [report, workbook, pdf] = [at('html'), at('xlsx'), at('pdf')];
    const { data, results } = out;
    const audit = await s.verifyAudit();
    return { dir, home, period, report, workbook, pdf, results, findings: data.findings.length, auditEvents: audit.events, previous };
  } finally {
    await s.close();
  }
}

/**
 * Last month, as a firm that finished it would have it: every applicable item recorded by the
 * officer, approved by the supervisor, the inspection signed off by the CISO, and its package
 * beside this month's report (README "The signed inspection").
 */
async function signedPreviousMonth(s: InspectionService, licence: string, period: string, dir: string, lang: 'zh-TW' | 'en', write: OutputWriter) {
  const previous = periodBefore(period);
  const firm = await s.firm(licence);
  // Run again with --force on the same folder: last month is already signed; only its package is rewritten.
  if (!(await s.listRuns(firm.id)).some((r) => r.period === previous)) {
    await s.startRun(OFFICER, licence, previous);
    const today = s.clock.today();
    const { results } = await s.results(licence, previous);
    for (const r of results) {
      if (r.source === 'system' && r.status === 'not_applicable') continue;
      const ref = { firm: licence, period: previous, path: r.path };
      await s.setResult(OFFICER, ref, {
        status: 'pass',
        source: 'attestation',
        justification: `${previous} 依作業程序查核，結果符合`,
        expiresOn: addDays(today, 365),
      });
      await s.approve(SUPERVISOR, ref);
    }
    await s.signRun(CISO, { firm: licence, period: previous }, { role: 'ciso', authentication: 'local operator (ccheck demo)' });
  }
  const file = path.join(dir, `ccheck-package-${previous}-r1.zip`);
  if (existsSync(file)) rmSync(file);
  const pkg = await signedPackage({ inspections: s }, localOperator(OFFICER), { firm: licence, period: previous, lang });
  await write(file, pkg.open());
  const { manifest } = pkg;
  return { period: previous, package: file, fingerprint: manifest.signingKey.fingerprint };
}

/** The month before a monthly period id (2026-11 → 2026-10, 2026-01 → 2025-12). */
function periodBefore(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
