import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { CoreError } from '../core/errors.js';
import { packageRoot } from '../io/catalog-data.js';
import { InspectionService, type Clock } from './inspection-service.js';
import { runFromFiles, writeReports } from './run-service.js';

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

    const { html: report, xlsx: workbook, pdf, data, results } = await writeReports(s, licence, period, dir, options.lang ?? 'zh-TW');
    const audit = await s.verifyAudit();
    return { dir, home, period, report, workbook, pdf, results, findings: data.findings.length, auditEvents: audit.events };
  } finally {
    await s.close();
  }
}
