import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { CHANNELS, SERVICES, adviseOnProfile, type FirmProfile } from '../../core/profile/firm-profile.js';
import { tierNumbers } from '../../core/profile/tier-scheme.js';
import { writeImpactMemo } from '../../core/plan/assess-impact.js';
import { formatDualDate, formatDualDateShort, parseAnyDate } from '../../core/dates.js';
import { planToCsv, planToIcs } from '../../io/plan-export.js';
import { planXlsx } from '../../reports/findings-register.js';
import { parseProfile, readProfileFile } from '../../io/read-profile.js';
import { loadTierScheme } from '../../io/catalog-data.js';
import { withCatalog } from '../../services/catalog-view-service.js';
import { systemClock } from '../../services/inspection-service.js';
import { applicabilityFor, impactFor, planFor, profileJsonSchema, profileTemplate, readCompletionsFile, versionIn } from '../../services/firm-service.js';
import type { CliContext } from '../cli-context.js';
import { writeUserFile } from '../files.js';
import { renderTable } from '../output.js';
import type { CommandRunner } from './catalog-commands.js';

async function askProfile(ctx: CliContext): Promise<string> {
  const rl = createInterface({ input: ctx.io.stdin ?? process.stdin, terminal: false });
  // The iterator buffers lines, so answers piped in all at once are not lost between questions.
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (q: string, fallback: string) => {
    ctx.io.stdout.write(`${q} [${fallback}] `);
    const next = await lines.next();
    return (next.done ? '' : String(next.value)).trim() || fallback;
  };
  const yes = async (q: string, fallback: boolean) => /^(y|yes|是|1|true)$/i.test(await ask(q, fallback ? 'y' : 'n'));
  try {
    const name = await ask('公司名稱 firm name', '範例證券股份有限公司');
    const licence = await ask('許可證字號 licence number', '金管證總字第0000號');
    const channels = (await ask(`下單管道 channels (${CHANNELS.join(', ')})`, 'internet, voice, traditional')).split(/[,\s、，]+/).filter(Boolean);
    const tierText = await ask(`資安分級 tier (${tierNumbers(loadTierScheme()).join(', ')}, none)`, '1');
    const klass = Number(await ask('類別 class (1 = 第一類, 2 = 第二類)', '1'));
    const colocation = await yes('使用主機共置 co-location? (y/n)', false);
    const services: Record<string, boolean> = {};
    for (const s of SERVICES) services[s] = await yes(`使用 ${s}? (y/n)`, s !== 'iot' && s !== 'video_identity');
    const data = {
      firm: { name, licence },
      channels,
      tier: /^\d+$/.test(tierText) ? Number(tierText) : null, // checked against the tier data before writing
      class: klass,
      colocation,
      core_systems: [],
      services,
    };
    return `# 公司基本資料 / Firm profile — written by ccheck profile init --ask\n# Add your core systems under core_systems (see: ccheck profile init without --ask).\n${stringify(data)}`;
  } finally {
    rl.close();
  }
}

function summary(ctx: CliContext, p: FirmProfile): void {
  const zh = ctx.lang === 'zh-TW';
  ctx.print(`${p.firm.name}（${p.firm.licence}）`);
  ctx.print(
    `${zh ? '下單管道' : 'channels'}: ${p.channels.join(', ')}  ${zh ? '資安分級' : 'tier'}: ${p.tier ?? '—'}  ${zh ? '類別' : 'class'}: ${p.class}  ${zh ? '主機共置' : 'co-location'}: ${p.colocation ? '✓' : '—'}`,
  );
  ctx.print(`${zh ? '核心系統' : 'core systems'}: ${p.coreSystems.map((c) => c.name).join('、') || '—'}`);
  ctx.print(
    `${zh ? '使用服務' : 'services'}: ${
      Object.entries(p.services)
        .filter(([, v]) => v)
        .map(([k]) => k)
        .join(', ') || '—'
    }`,
  );
}

export function registerFirmCommands(program: Command, runner: CommandRunner): void {
  const profile = program.command('profile').description('公司基本資料 / the firm profile');

  profile
    .command('init')
    .description('寫出附說明的公司基本資料範本，或以 --ask 逐題詢問 / write a commented profile template, or ask')
    .option('-o, --output <file>', 'where to write', 'firm-profile.yaml')
    .option('--ask', 'ask the questions instead of writing the template')
    .option('--force', 'overwrite an existing file')
    .action((o: { output: string; ask?: boolean; force?: boolean }, cmd: Command) =>
      runner(cmd, async (ctx) => {
        const file = path.resolve(ctx.io.cwd, o.output);
        const text = o.ask ? await askProfile(ctx) : profileTemplate();
        parseProfile(text, file); // never write a profile that would not pass `profile check`
        // A profile names the firm's systems and weaknesses: the owner's only, whole or absent (files.ts).
        await writeUserFile(file, text, { exclusive: !o.force });
        ctx.print(
          ctx.lang === 'zh-TW'
            ? `已寫出 ${file}；請檢查後執行 ccheck profile check ${o.output}`
            : `wrote ${file}; edit it, then run ccheck profile check ${o.output}`,
        );
      }),
    );

  profile
    .command('check')
    .description('檢查公司基本資料，列出所有問題 / validate a profile and list every problem at once')
    .argument('<file>')
    .option('--json', 'JSON output')
    .action((file: string, _o, cmd: Command) =>
      runner(cmd, async (ctx) => {
        const p = await readProfileFile(path.resolve(ctx.io.cwd, file));
        const advice = adviseOnProfile(p);
        if (ctx.json) {
          ctx.printJson({ valid: true, profile: p, advice });
          return;
        }
        ctx.print(ctx.lang === 'zh-TW' ? '✓ 公司基本資料格式正確' : '✓ the profile is valid');
        summary(ctx, p);
        for (const a of advice) ctx.print(`  ! ${a.field} (${a.clause}): ${ctx.lang === 'zh-TW' ? a.zh : a.en}`);
      }),
    );

  profile
    .command('schema')
    .description('印出公司基本資料的 JSON Schema / print the JSON Schema of the profile file')
    .action((_o, cmd: Command) => runner(cmd, (ctx) => ctx.printJson(profileJsonSchema())));

  program
    .command('applicability')
    .description('各項目是否適用本公司及其理由 / which items apply to the firm, and why')
    .requiredOption('--profile <file>', 'firm profile (YAML)')
    .option('--version <version>', 'catalog version (default: the latest in force)')
    .option('--json', 'JSON output')
    .action((o: { profile: string; version?: string }, cmd: Command) =>
      runner(cmd, async (ctx) => {
        const p = await readProfileFile(path.resolve(ctx.io.cwd, o.profile));
        const version = versionIn(await withCatalog(ctx.home, ctx.io.env, (c) => c.list()), o.version);
        const result = applicabilityFor(version, p);
        if (ctx.json) {
          ctx.printJson({
            version: result.version,
            version_hash: result.versionHash,
            items: result.decisions.map((d) => ({
              path: d.path,
              code: d.code,
              applies: d.applies,
              advisory: d.advisory,
              reason: d.reason,
              reason_zh: d.reasonZh,
              rules: d.rules,
              facts: d.facts,
              tier_dependent: d.tierDependent,
            })),
          });
          return;
        }
        const zh = ctx.lang === 'zh-TW';
        const applies = result.decisions.filter((d) => d.applies).length;
        ctx.print(
          `${p.firm.name} × ${version.id}: ${zh ? `適用 ${applies} 項，不適用 ${result.decisions.length - applies} 項` : `${applies} apply, ${result.decisions.length - applies} do not`}`,
        );
        ctx.print(
          renderTable(
            zh ? ['項次', '代碼', '適用', '理由'] : ['path', 'code', 'applies', 'reason'],
            result.decisions.map((d) => [
              d.path,
              d.code ?? '',
              d.applies ? (d.advisory ? (zh ? '✓ 宜' : '✓ advisory') : '✓') : '✗',
              zh ? d.reasonZh : d.reason,
            ]),
            ctx.width,
          ),
        );
      }),
    );

  program
    .command('plan')
    .description('查核行事曆：應辦、逾期與下一期 / the inspection calendar: due, overdue, next cycle')
    .requiredOption('--profile <file>', 'firm profile (YAML)')
    .requiredOption('--from <date>', 'first day (2026-01-01 or 115年1月1日)')
    .requiredOption('--to <date>', 'last day')
    .option('--version <version>', 'catalog version (default: the latest in force)')
    .option('--completions <file>', 'CSV/XLSX of checks done: 項次/path, 期間/period, 完成日/completed_on')
    .option('--today <date>', 'the date to judge overdue by (default: today in Taipei)')
    .option('--ics <file>', 'write the calendar as iCalendar (.ics)')
    .option('--csv <file>', 'write the plan as CSV')
    .option('--xlsx <file>', 'write the plan as an Excel workbook')
    .option('--json', 'JSON output')
    .action(
      (
        o: { profile: string; from: string; to: string; version?: string; completions?: string; today?: string; ics?: string; csv?: string; xlsx?: string },
        cmd: Command,
      ) =>
        runner(cmd, async (ctx) => {
          const p = await readProfileFile(path.resolve(ctx.io.cwd, o.profile));
          const version = versionIn(await withCatalog(ctx.home, ctx.io.env, (c) => c.list()), o.version);
          const completions = await readCompletionsFile(o.completions ? path.resolve(ctx.io.cwd, o.completions) : undefined);
          const plan = planFor(
            version,
            p,
            { from: parseAnyDate(o.from), to: parseAnyDate(o.to), today: o.today ? parseAnyDate(o.today) : systemClock.today() },
            completions,
          );
          if (o.ics) await writeUserFile(path.resolve(ctx.io.cwd, o.ics), planToIcs(plan, p.firm));
          if (o.csv) await writeUserFile(path.resolve(ctx.io.cwd, o.csv), planToCsv(plan));
          if (o.xlsx) await writeUserFile(path.resolve(ctx.io.cwd, o.xlsx), () => planXlsx(plan));
          if (ctx.json) {
            ctx.printJson({
              version: plan.version,
              from: plan.from,
              to: plan.to,
              today: plan.today,
              entries: plan.entries.map((e) => ({
                path: e.path,
                code: e.code,
                title: e.title,
                frequency: e.frequency,
                period: e.period.id,
                start: e.period.start,
                due: e.due,
                status: e.status,
                completed_on: e.completedOn,
                advisory: e.advisory,
              })),
              next: plan.next.map((n) => ({ path: n.path, period: n.period.id, due: n.due, after: n.after })),
            });
            return;
          }
          const zh = ctx.lang === 'zh-TW';
          const counts = (s: string) => plan.entries.filter((e) => e.status === s).length;
          ctx.print(
            `${p.firm.name} × ${version.id}  ${formatDualDate(plan.from, ctx.lang)} – ${formatDualDate(plan.to, ctx.lang)}: ` +
              (zh
                ? `逾期 ${counts('overdue')}、本期應辦 ${counts('due')}、待辦 ${counts('upcoming')}、已完成 ${counts('done')}`
                : `overdue ${counts('overdue')}, due ${counts('due')}, upcoming ${counts('upcoming')}, done ${counts('done')}`),
          );
          const statusText = (s: string) => (zh ? { done: '已完成', overdue: '逾期', due: '本期應辦', upcoming: '待辦' }[s] : s) ?? s;
          ctx.print(
            renderTable(
              zh ? ['期限', '期間', '狀態', '項次', '代碼', '項目'] : ['due', 'period', 'status', 'path', 'code', 'item'],
              plan.entries.map((e) => [formatDualDateShort(e.due), e.period.id, statusText(e.status), e.path, e.code ?? '', e.title]),
              ctx.width,
            ),
          );
          if (o.ics) ctx.print(zh ? `已寫出行事曆 ${o.ics}` : `wrote calendar ${o.ics}`);
          if (o.csv) ctx.print(zh ? `已寫出 ${o.csv}` : `wrote ${o.csv}`);
        }),
    );

  program
    .command('impact')
    .description('修正對本公司的影響：新增、修正、項次調整、不再適用及期限 / what an amendment changes for the firm')
    .requiredOption('--profile <file>', 'firm profile (YAML)')
    .requiredOption('--from <version>', 'the version in force before')
    .requiredOption('--to <version>', 'the amended version')
    .option('--memo <file>', 'write a zh-TW memo for management (Markdown)')
    .option('--json', 'JSON output')
    .action((o: { profile: string; from: string; to: string; memo?: string }, cmd: Command) =>
      runner(cmd, async (ctx) => {
        const p = await readProfileFile(path.resolve(ctx.io.cwd, o.profile));
        const versions = await withCatalog(ctx.home, ctx.io.env, (c) => c.list());
        const from = versionIn(versions, o.from);
        const to = versionIn(versions, o.to);
        const impact = impactFor(from, to, p);
        if (o.memo) await writeUserFile(path.resolve(ctx.io.cwd, o.memo), writeImpactMemo(impact, p, { from: from.hash, to: to.hash }));
        if (ctx.json) {
          ctx.printJson({
            from: impact.from,
            to: impact.to,
            effective_date: impact.effectiveDate,
            items: impact.items.map((i) => ({
              kind: i.kind,
              path: i.path,
              old_path: i.oldPath,
              code: i.code,
              title: i.title,
              frequency: i.frequency,
              task: i.task,
              due: i.due,
              advisory: i.advisory,
              tier_dependent: i.tierDependent,
            })),
          });
          return;
        }
        const zh = ctx.lang === 'zh-TW';
        const kindText: Record<string, string> = zh
          ? { newly_applicable: '新增適用', changed: '條文修正', renumbered: '項次調整', no_longer_applicable: '不再適用' }
          : { newly_applicable: 'newly applicable', changed: 'changed', renumbered: 'renumbered', no_longer_applicable: 'no longer applicable' };
        const taskText: Record<string, string> = zh
          ? {
              new_procedure_evidence_check: '訂程序、備佐證、排查核',
              update_procedure_evidence: '更新程序與佐證',
              relabel_records: '紀錄對應新項次',
              retire_check: '停止查核',
            }
          : {
              new_procedure_evidence_check: 'procedure, evidence, check',
              update_procedure_evidence: 'update procedure and evidence',
              relabel_records: 'relabel records',
              retire_check: 'retire check',
            };
        ctx.print(`${p.firm.name}: ${from.id} → ${to.id}`);
        ctx.print(
          renderTable(
            zh ? ['異動', '項次', '原項次', '代碼', '工作', '期限', '項目'] : ['kind', 'path', 'old path', 'code', 'task', 'due', 'item'],
            impact.items.map((i) => [
              kindText[i.kind] ?? i.kind,
              i.path ?? '—',
              i.oldPath && i.oldPath !== i.path ? i.oldPath : '',
              i.code ?? '',
              taskText[i.task] ?? i.task,
              i.due ? formatDualDateShort(i.due) : '—',
              i.title,
            ]),
            ctx.width,
          ),
        );
        if (o.memo) ctx.print(zh ? `已寫出備忘錄 ${o.memo}` : `wrote memo ${o.memo}`);
      }),
    );
}
