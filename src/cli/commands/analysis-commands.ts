import { statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parseAnyDate } from '../../core/dates.js';
import { CoreError } from '../../core/errors.js';
import { describeOptions } from '../../core/analysis/analyzer.js';
import { analyzeFiles, listAnalyzers } from '../../services/analysis-service.js';
import { recordAnalysis } from '../../services/use-cases/analysis.js';
import { InspectionService, systemClock } from '../../services/inspection-service.js';
import { operatorOf, type CliContext } from '../cli-context.js';
import { renderTable } from '../output.js';
import type { CommandRunner } from './catalog-commands.js';

const zhOr = (ctx: CliContext, zh: string, en: string) => (ctx.lang === 'zh-TW' ? zh : en);

export function registerAnalysisCommands(program: Command, runner: CommandRunner): void {
  program
    .command('analyzers')
    .description('列出自動化檢查 / list the analyzers, the items they evidence and their inputs')
    .option('--json', 'JSON output')
    .action((_o, cmd: Command) =>
      runner(cmd, (ctx) => {
        const list = listAnalyzers();
        if (ctx.json)
          return ctx.printJson({
            analyzers: list.map((a) => ({ id: a.id, title: a.title, title_zh: a.titleZh, items: a.items, inputs: a.inputs, options: describeOptions(a) })),
          });
        for (const a of list) {
          ctx.print(`${a.id}  ${ctx.lang === 'zh-TW' ? a.titleZh : a.title}  [${a.items.join(', ')}]`);
          for (const i of a.inputs) ctx.print(`    ${i.name} (${i.formats.join(', ')}): ${i.description}`);
          for (const opt of describeOptions(a))
            ctx.print(
              `    --set ${opt.name}=…  ${opt.description}${opt.default === null ? '' : ` (${zhOr(ctx, '預設', 'default')} ${JSON.stringify(opt.default)})`}`,
            );
        }
      }),
    );

  program
    .command('analyze')
    .description('以自動化檢查分析佐證檔案 / run an analyzer over evidence files')
    .argument('<analyzer>', 'analyzer id (see: ccheck analyzers)')
    .argument('<files...>', 'evidence files')
    .option('--today <date>', 'the day to judge on (default: today in Taipei)')
    .option('--syntax <syntax>', 'rule-set: the configuration syntax when detection is not enough')
    .option('--reviewed-on <date>', 'rule-set: when the rules in these files were last reviewed')
    .option('--set <key=value...>', 'analyzer options, e.g. horizon_days=90, min_prefix_v4=20')
    .option('--firm <firm>', 'record the verdict into this firm’s inspection (with --period)')
    .option('--period <period>', 'the inspection period to record into')
    .option('--as <user>', 'who is acting (when recording)')
    .option('--json', 'JSON output')
    .action(
      (
        id: string,
        files: string[],
        o: { today?: string; syntax?: string; reviewedOn?: string; set?: string[]; firm?: string; period?: string; as?: string },
        cmd: Command,
      ) =>
        runner(cmd, async (ctx) => {
          const options: Record<string, string> = {};
          for (const kv of o.set ?? []) {
            const [k, ...v] = kv.split('=');
            if (!k || v.length === 0)
              throw new CoreError('ANALYZER_OPTION_INVALID', `${id}: an option is written key=value, got "${kv}"`, { analyzer: id, option: kv }, { field: kv });
            options[k] = v.join('=');
          }
          if (o.syntax) options.syntax = o.syntax;
          if (o.reviewedOn) options.reviewed_on = o.reviewedOn;
          if ((o.firm && !o.period) || (!o.firm && o.period))
            throw new CoreError('RESULT_INVALID', '--firm and --period go together', { what: '--firm/--period', path: id });
          const today = o.today ? parseAnyDate(o.today) : systemClock.today();
          const paths = files.map((f) => path.resolve(ctx.io.cwd, f));
          const report = await withProgress(ctx, paths, (onRead) => analyzeFiles(id, paths, today, options, undefined, onRead));
          let recorded: { recorded: string[]; skipped: string[] } | null = null;
          if (o.firm && o.period) {
            const s = await InspectionService.connect(ctx.home, ctx.io.env);
            try {
              recorded = await recordAnalysis({ inspections: s }, operatorOf(ctx, o.as), {
                firm: o.firm,
                period: o.period,
                collectedAt: today,
                report,
                files: paths,
              });
            } finally {
              await s.close();
            }
          }
          // An `error` verdict means nothing was judged: a script must not read it as success.
          const inconclusive = () =>
            new CoreError('ANALYSIS_INCONCLUSIVE', `${report.analyzer}: the analyzer could not judge the evidence (verdict error); see the findings above`, {
              analyzer: report.analyzer,
            });
          if (ctx.json) {
            ctx.printJson({
              analyzer: report.analyzer,
              items: report.items,
              verdict: report.verdict,
              scope: report.scope,
              summary: report.summary,
              summary_zh: report.summaryZh,
              findings: report.findings.map((f) => ({
                kind: f.kind,
                severity: f.severity,
                file: f.file,
                line: f.line,
                rule: f.rule,
                detail: f.detail,
                detail_zh: f.detailZh,
                clause: f.clause,
                failing: f.failing,
                blocking: f.blocking,
              })),
              recorded,
            });
            if (report.verdict === 'error') throw inconclusive();
            return;
          }
          const mark = { pass: '✓', fail: '✗', error: '!', not_applicable: '—' }[report.verdict];
          ctx.print(`${mark} ${report.analyzer}: ${report.verdict}  [${report.items.join(', ')}]`);
          ctx.print(ctx.lang === 'zh-TW' ? report.summaryZh : report.summary);
          const rank = { high: 0, medium: 1, low: 2, info: 3 };
          const shown = report.findings
            .filter((f) => f.severity !== 'info')
            .sort((a, b) => Number(b.failing) - Number(a.failing) || rank[a.severity] - rank[b.severity]);
          if (shown.length) {
            ctx.print(
              renderTable(
                zhOr(ctx, '嚴重度|類別|檔案|行/列|規則|說明', 'severity|kind|file|line|rule|detail').split('|'),
                shown.map((f) => [
                  `${f.failing ? '✗ ' : ''}${f.severity}`,
                  f.kind,
                  f.file ? path.basename(f.file) : '',
                  f.line === null ? '' : String(f.line),
                  (f.rule ?? '').slice(0, 30),
                  ctx.lang === 'zh-TW' ? f.detailZh : f.detail,
                ]),
                ctx.width,
              ),
            );
          }
          const info = report.findings.length - shown.length;
          if (info) ctx.print(zhOr(ctx, `（另有 ${info} 項參考資訊，詳見 --json）`, `(${info} informational findings; see --json)`));
          if (recorded)
            ctx.print(
              zhOr(
                ctx,
                `已記錄至 ${o.period} 查核：${recorded.recorded.join('、') || '無'}`,
                `recorded into ${o.period}: ${recorded.recorded.join(', ') || 'none'}`,
              ),
            );
          if (report.verdict === 'error') throw inconclusive();
        }),
    );
}

/**
 * A progress bar on stderr while an analyzer reads large evidence (a month of audit logs is
 * gigabytes): only when stderr is a terminal and there is more than 64 MB to read, so scripts,
 * pipes and --json output on stdout never see it.
 */
async function withProgress<T>(ctx: CliContext, files: readonly string[], run: (onRead?: (bytes: number) => void) => Promise<T>): Promise<T> {
  const total = files.reduce((sum, f) => sum + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
  if (!ctx.io.stderr.isTTY || total < 64 * 2 ** 20) return run();
  const mb = (b: number) => Math.round(b / 2 ** 20);
  // Loaded only when a bar is shown: every other command starts without it.
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream: ctx.io.stderr as NodeJS.WritableStream,
      format: `${ctx.lang === 'zh-TW' ? '讀取佐證' : 'reading evidence'} [{bar}] {percentage}% {done}/{all} MB {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let read = 0;
  bar.start(total, 0, { done: 0, all: mb(total) });
  try {
    // Files read twice (a format sniffed from the head, then streamed) may pass 100%: the bar stops there.
    return await run((bytes) => {
      read += bytes;
      bar.update(Math.min(read, total), { done: mb(Math.min(read, total)), all: mb(total) });
    });
  } finally {
    bar.stop();
  }
}
