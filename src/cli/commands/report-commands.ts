import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parseAnyDate } from '../../core/dates.js';
import { CoreError } from '../../core/errors.js';
import { runDemo } from '../../services/demo-service.js';
import { runFromFiles } from '../../services/run-service.js';
import { InspectionService, systemClock, type Clock } from '../../services/inspection-service.js';
import { REPORT_FORMATS, type ReportFormat } from '../../services/report-service.js';
import { inspectionReport, inspectionReports } from '../../services/use-cases/reports.js';
import { writeUserFile } from '../files.js';
import { operatorOf } from '../cli-context.js';
import type { CommandRunner } from './catalog-commands.js';

/** The CLI's actor: the name given, else CCHECK_USER, else the login name (every role: the operator can open the store anyway). */

function clockFor(today: string | undefined): Clock {
  if (!today) return systemClock;
  const day = parseAnyDate(today);
  return { now: () => `${day}T02:00:00.000Z`, today: () => day };
}

export function registerReportCommands(program: Command, runner: CommandRunner): void {
  program
    .command('report')
    .description('產製查核報告 / write the inspection report of a period')
    .argument('[run]', 'the inspection, by the id `inspect list` shows (or give --firm and --period)')
    .option('--firm <firm>', 'licence number or name')
    .option('--period <period>', 'the inspection period')
    .option('--format <format>', 'html (one self-contained, printable file), xlsx (the checklist layout) or pdf', 'html')
    .option('-o, --output <file>', 'where to write it (default: inspection-report-<period>.<format>)')
    .option('--json', 'JSON output')
    .action((run: string | undefined, o: { firm?: string; period?: string; format: string; output?: string }, cmd: Command) => {
      // Wrong usage (exit 2), said before anything is opened.
      if (!run && !(o.firm && o.period)) cmd.error('error: name the inspection: its id (see ccheck inspect list), or --firm and --period');
      return runner(cmd, async (ctx) => {
        if (!(REPORT_FORMATS as readonly string[]).includes(o.format))
          throw new CoreError('INPUT_UNSUPPORTED_FORMAT', `report format "${o.format}": html, xlsx or pdf`, { format: o.format });
        const s = await InspectionService.connect(ctx.home, ctx.io.env);
        try {
          const which = run ? await s.runById(run) : { licence: o.firm!, period: o.period! };
          const r = await inspectionReport({ inspections: s }, operatorOf(ctx, undefined), {
            firm: which.licence,
            period: which.period,
            format: o.format as ReportFormat,
            lang: ctx.lang,
          });
          const file = await writeUserFile(path.resolve(ctx.io.cwd, o.output ?? r.name), r.body);
          if (ctx.json) return ctx.printJson({ file, format: o.format, firm: r.data.firm.licence, period: r.data.period, bytes: r.body.length });
          ctx.print(file);
        } finally {
          await s.close();
        }
      });
    });

  program
    .command('demo')
    .description('示範：建立範例證券商、執行本月查核並產製報告 / run a complete inspection of a demo firm')
    .argument('[dir]', 'a new folder for the demo firm’s files, database and report', 'ccheck-demo')
    .option('--force', 'use the folder even if it is not empty')
    .option('--today <date>', 'the day to run the demo on (default: today in Taipei)')
    .option('--json', 'JSON output')
    .action((dir: string, o: { force?: boolean; today?: string }, cmd: Command) =>
      runner(cmd, async (ctx) => {
        const r = await runDemo(path.resolve(ctx.io.cwd, dir), ctx.io.env, clockFor(o.today), {
          force: o.force,
          lang: ctx.lang,
          write: (file, body) => writeUserFile(file, body),
        });
        if (ctx.json) return ctx.printJson(r);
        const zh = ctx.lang === 'zh-TW';
        const names: Record<string, string> = zh
          ? { pass: '符合', fail: '不符合', partial: '部分符合', not_applicable: '不適用', error: '無法判定', not_run: '未執行' }
          : {};
        const results = Object.entries(r.results)
          .map(([k, n]) => `${names[k] ?? k} ${n}`)
          .join(zh ? '、' : ', ');
        ctx.print(
          zh
            ? `範例證券商 ${r.period} 查核完成：${results}；待改善缺失 ${r.findings} 項；稽核軌跡 ${r.auditEvents} 筆事件。`
            : `Demo firm, ${r.period}: ${results}; ${r.findings} open findings; ${r.auditEvents} audit events.`,
        );
        ctx.print(zh ? `報告：${r.report}` : `report: ${r.report}`);
        ctx.print(zh ? `檢查表（Excel）：${r.workbook}` : `checklist workbook: ${r.workbook}`);
        ctx.print(zh ? `PDF：${r.pdf}` : `PDF: ${r.pdf}`);
        ctx.print(
          zh
            ? `上月（${r.previous.period}）查核已由資安長簽核，查核包：${r.previous.package}（金鑰指紋 ${r.previous.fingerprint}；以 ccheck package verify 驗證）`
            : `last month (${r.previous.period}) is signed off by the CISO; its package: ${r.previous.package} (key fingerprint ${r.previous.fingerprint}; check it with ccheck package verify)`,
        );
        ctx.print(zh ? `範例檔案（可自行修改後重跑）：${r.dir}` : `demo files (edit them and run again): ${r.dir}`);
        ctx.print(zh ? `資料庫與加密金鑰：${r.home}` : `database and key: ${r.home}`);
      }),
    );

  program
    .command('run')
    .description('以公司自己的檔案執行查核並產製報告 / run an inspection on your own profile and evidence folder, then write the reports')
    .requiredOption('--profile <file>', 'the firm profile (YAML; see: ccheck profile init)')
    .requiredOption('--evidence <dir>', 'the evidence folder (ccheck-evidence.yaml in it says which file goes where; see README)')
    .option('--period <period>', 'the inspection period (default: this month, or the manifest’s period)')
    .option('--today <date>', 'the day to run on (default: today in Taipei)')
    .option('-o, --output <dir>', 'where to write the reports (default: the current folder)')
    .option('--as <user>', 'who is acting (default: CCHECK_USER, else the login name)')
    .option('--json', 'JSON output')
    .action((o: { profile: string; evidence: string; period?: string; today?: string; output?: string; as?: string }, cmd: Command) =>
      runner(cmd, async (ctx) => {
        const operator = operatorOf(ctx, o.as);
        const actor = operator.name;
        const s = await InspectionService.connect(ctx.home, ctx.io.env, clockFor(o.today), { create: true });
        try {
          await s.init();
          const r = await runFromFiles(s, {
            profileFile: path.resolve(ctx.io.cwd, o.profile),
            evidenceDir: path.resolve(ctx.io.cwd, o.evidence),
            period: o.period,
            actor,
            analyzerActor: `ccheck (${actor})`,
          });
          const out = path.resolve(ctx.io.cwd, o.output ?? '.');
          mkdirSync(out, { recursive: true });
          const reports = await inspectionReports({ inspections: s }, operator, { firm: r.licence, period: r.period, lang: ctx.lang });
          const written = {} as Record<ReportFormat, string>;
          for (const format of REPORT_FORMATS) written[format] = await writeUserFile(path.join(out, reports.files[format].name), reports.files[format].body);
          const w = { ...written, results: reports.results, data: reports.data };
          if (ctx.json)
            return ctx.printJson({ ...r, results: w.results, findings: w.data.findings.length, reports: { html: w.html, xlsx: w.xlsx, pdf: w.pdf } });
          const zh = ctx.lang === 'zh-TW';
          const by = { manifest: zh ? '佐證清單' : 'manifest', folder: zh ? '資料夾' : 'folder', content: zh ? '內容辨識' : 'content' };
          ctx.print(
            zh
              ? `${r.licence} ${r.period} 查核${r.runStarted ? '已開始' : '（沿用既有查核）'}`
              : `${r.licence} ${r.period}: ${r.runStarted ? 'inspection started' : 'existing inspection'}`,
          );
          if (r.firmAdded) ctx.print(zh ? '已新增證券商' : 'firm added');
          if (r.profileUpdated)
            ctx.print(zh ? '已更新公司基本資料（已開始之查核沿用原適用範圍）' : 'profile updated (runs already started keep their applicability)');
          for (const a of r.analyzers)
            ctx.print(
              `  ${a.analyzer}: ${a.files.map((f) => `${f} [${by[a.matchedBy[f]!]}]`).join(', ')} → ${a.verdict}${a.findings ? ` (${a.findings} ${zh ? '項發現' : 'findings'})` : ''}`,
            );
          if (r.attestations) ctx.print(zh ? `  人工聲明 ${r.attestations} 項` : `  ${r.attestations} attestations`);
          if (r.notUsed.length)
            ctx.print(
              zh
                ? `  未使用的檔案：${r.notUsed.map((f) => `${f.path}（${f.reasonZh}）`).join('、')}`
                : `  files not used: ${r.notUsed.map((f) => `${f.path} (${f.reason})`).join(', ')}`,
            );
          ctx.print(
            Object.entries(w.results)
              .map(([k, n]) => `${k} ${n}`)
              .join(', '),
          );
          ctx.print(w.html);
          ctx.print(w.xlsx);
          ctx.print(w.pdf);
        } finally {
          await s.close();
        }
      }),
    );
}
