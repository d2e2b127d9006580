import path from 'node:path';
import type { Command } from 'commander';
import { parseAnyDate } from '../../core/dates.js';
import { CoreError } from '../../core/errors.js';
import { describeOptions } from '../../core/analysis/analyzer.js';
import { analyzeFiles, listAnalyzers, recordAnalysis } from '../../services/analysis-service.js';
import { InspectionService, systemClock } from '../../services/inspection-service.js';
import type { CliContext } from '../cli-context.js';
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
          const report = await analyzeFiles(id, paths, today, options);
          let recorded: { recorded: string[]; skipped: string[] } | null = null;
          if (o.firm && o.period) {
            const s = await InspectionService.connect(ctx.home, ctx.io.env);
            try {
              recorded = await recordAnalysis(s, o.as?.trim() || ctx.io.env.CCHECK_USER?.trim() || 'ccheck-analyzer', report, paths, {
                firm: o.firm,
                period: o.period,
                collectedAt: today,
              });
            } finally {
              await s.close();
            }
          }
          if (ctx.json) {
            return ctx.printJson({
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
        }),
    );
}
