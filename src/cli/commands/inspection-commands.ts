import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { parseAnyDate } from '../../core/dates.js';
import { CoreError } from '../../core/errors.js';
import { FINDING_STATUSES } from '../../core/inspection/finding.js';
import { countsAs, RESULT_STATUSES } from '../../core/inspection/item-result.js';
import { backupStore, restoreStore, verifyAudit as verifyAuditUseCase } from '../../services/use-cases/audit.js';
import { readProfileFile } from '../../io/read-profile.js';
import { InspectionService } from '../../services/inspection-service.js';
import { listFindings, updateFinding } from '../../services/use-cases/findings.js';
import { approveResult, recordResult, rejectResult } from '../../services/use-cases/results.js';
import { findingsRegister } from '../../services/use-cases/reports.js';
import {
  findingUpdateSchema,
  parseInput,
  presentFinding,
  presentRecording,
  presentReview,
  recordResultInputSchema,
  rejectInputSchema,
} from '../../services/use-cases/schemas.js';
import { actorOf, operatorOf, type CliContext } from '../cli-context.js';
import { writeUserFile } from '../files.js';
import { renderTable } from '../output.js';
import type { CommandRunner } from './catalog-commands.js';

async function withService<T>(ctx: CliContext, fn: (s: InspectionService) => Promise<T>, options: { create?: boolean } = {}): Promise<T> {
  const s = await InspectionService.connect(ctx.home, ctx.io.env, undefined, options);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** A date as typed (2026-11-20, 115年11月20日) or a full ISO instant for collected-at. */
function instantOption(v: string): string {
  return /T\d{2}:\d{2}/.test(v) && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : parseAnyDate(v);
}

const zhOr = (ctx: CliContext, zh: string, en: string) => (ctx.lang === 'zh-TW' ? zh : en);

export function registerInspectionCommands(program: Command, runner: CommandRunner): void {
  program
    .command('init')
    .description('建立資料庫與佐證加密金鑰 / create the database (and the evidence key when none is set)')
    .option('--json', 'JSON output')
    .action((_o, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(
          ctx,
          async (s) => {
            const r = await s.init();
            if (ctx.json) return ctx.printJson({ database: r.location, dialect: s.open.dialect, key_file: r.keyFile });
            ctx.print(zhOr(ctx, `資料庫已就緒：${r.location}（${s.open.dialect}）`, `database ready: ${r.location} (${s.open.dialect})`));
            if (r.keyFile) {
              ctx.print(
                zhOr(
                  ctx,
                  `已建立佐證加密金鑰 ${r.keyFile}：請另行備份此金鑰，遺失將無法讀取佐證資料。`,
                  `created the evidence key ${r.keyFile}: back it up separately; without it the evidence cannot be read.`,
                ),
              );
            }
          },
          { create: true },
        ),
      ),
    );

  const firm = program.command('firm').description('受查證券商 / firms in the database');
  firm
    .command('add')
    .description('依公司基本資料新增證券商 / add a firm from its profile')
    .requiredOption('--profile <file>', 'firm profile (YAML)')
    .option('--as <user>', 'who is acting')
    .option('--json', 'JSON output')
    .action((o: { profile: string; as?: string }, cmd: Command) =>
      runner(cmd, async (ctx) => {
        const profile = await readProfileFile(path.resolve(ctx.io.cwd, o.profile));
        await withService(ctx, async (s) => {
          const f = await s.addFirm(actorOf(ctx, o.as), profile);
          if (ctx.json) ctx.printJson({ id: f.id, name: f.name, licence: f.licence });
          else ctx.print(zhOr(ctx, `已新增 ${f.name}（${f.licence}）`, `added ${f.name} (${f.licence})`));
        });
      }),
    );
  firm
    .command('list')
    .description('列出證券商 / list firms')
    .option('--json', 'JSON output')
    .action((_o, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          const firms = await s.listFirms();
          if (ctx.json) return ctx.printJson({ firms: firms.map((f) => ({ id: f.id, name: f.name, licence: f.licence, created_at: f.created_at })) });
          ctx.print(
            renderTable(
              zhOr(ctx, '名稱|許可證字號|建立時間', 'name|licence|created').split('|'),
              firms.map((f) => [f.name, f.licence, f.created_at]),
              ctx.width,
            ),
          );
        }),
      ),
    );

  firm
    .command('set-retention')
    .description('設定簽核完竣查核之保存年限（管理者）/ how many years signed inspections are kept (administrator)')
    .requiredOption('--firm <firm>', 'licence number or name')
    .requiredOption('--years <n>', 'whole years from the sign-off day')
    .option('--as <user>', 'who is acting')
    .option('--json', 'JSON output')
    .action((o: { firm: string; years: string; as?: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          const r = await s.setRetention(actorOf(ctx, o.as), o.firm, Number(o.years));
          if (ctx.json) return ctx.printJson({ firm: o.firm, years: r.years, set_by: r.set_by, set_at: r.set_at });
          ctx.print(zhOr(ctx, `保存年限已設為 ${r.years} 年（自簽核日起算）`, `retention set to ${r.years} years from sign-off`));
        }),
      ),
    );

  const inspect = program.command('inspect').description('查核作業 / inspection runs');
  inspect
    .command('start')
    .description('開始一個期間的查核 / start the inspection of a period (2026-11, 2026-H2 or 2026)')
    .requiredOption('--firm <firm>', 'licence number or name')
    .requiredOption('--period <period>', '2026-11 (monthly items), 2026-H2 (semi-annual), 2026 (annual)')
    .option('--version <version>', 'catalog version (default: the latest in force)')
    .option('--as <user>', 'who is acting')
    .option('--json', 'JSON output')
    .action((o: { firm: string; period: string; version?: string; as?: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          const r = await s.startRun(actorOf(ctx, o.as), o.firm, o.period, o.version);
          if (ctx.json)
            return ctx.printJson({
              id: r.run.id,
              period: r.run.period,
              catalog_version: r.run.catalog_version_id,
              catalog_hash: r.run.catalog_hash,
              applicable: r.applicable,
              not_applicable: r.notApplicable,
            });
          ctx.print(
            zhOr(
              ctx,
              `已開始 ${r.run.period} 查核（版本 ${r.run.catalog_version_id}）：適用 ${r.applicable} 項，不適用 ${r.notApplicable} 項`,
              `started ${r.run.period} (version ${r.run.catalog_version_id}): ${r.applicable} items apply, ${r.notApplicable} do not`,
            ),
          );
        }),
      ),
    );
  inspect
    .command('show')
    .description('查核結果一覽 / the results of one inspection')
    .requiredOption('--firm <firm>', 'licence number or name')
    .requiredOption('--period <period>', 'the period')
    .option('--json', 'JSON output')
    .action((o: { firm: string; period: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          const { run, results } = await s.results(o.firm, o.period);
          if (ctx.json) {
            return ctx.printJson({
              run: {
                id: run.id,
                period: run.period,
                catalog_version: run.catalog_version_id,
                catalog_hash: run.catalog_hash,
                started_at: run.started_at,
                started_by: run.started_by,
              },
              results: results.map((r) => ({
                path: r.path,
                code: r.code,
                status: r.status,
                effective_status: r.effectiveStatus,
                source: r.source,
                justification: r.justification,
                recorded_by: r.recordedBy,
                recorded_at: r.recordedAt,
                expires_on: r.expiresOn,
                evidence: r.evidence,
                approval: r.approval,
              })),
            });
          }
          const tally = new Map<string, number>();
          for (const r of results) tally.set(countsAs(r.effectiveStatus), (tally.get(countsAs(r.effectiveStatus)) ?? 0) + 1);
          ctx.print(`${run.period}  ${run.catalog_version_id}  ${[...tally].map(([k, n]) => `${k} ${n}`).join(', ')}`);
          ctx.print(
            renderTable(
              zhOr(ctx, '項次|結果|來源|紀錄者|覆核|佐證|說明', 'path|result|source|recorded by|sign-off|evidence|justification').split('|'),
              results.map((r) => [
                r.path,
                r.effectiveStatus === r.status ? r.status : `${r.status}→${r.effectiveStatus}`,
                r.source,
                r.recordedBy ?? '',
                r.approval ? `${r.approval.state === 'approved' ? '✓' : `✗ ${r.approval.state}`} ${r.approval.by}` : '',
                String(r.evidence.length || ''),
                r.justification ?? '',
              ]),
              ctx.width,
            ),
          );
        }),
      ),
    );
  inspect
    .command('list')
    .description('列出查核 / list inspections')
    .option('--firm <firm>', 'licence number or name')
    .option('--json', 'JSON output')
    .action((o: { firm?: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          const runs = await s.listRuns(o.firm ? (await s.firm(o.firm)).id : undefined);
          if (ctx.json)
            return ctx.printJson({
              runs: runs.map((r) => ({ id: r.id, firm_id: r.firm_id, period: r.period, catalog_version: r.catalog_version_id, started_at: r.started_at })),
            });
          ctx.print(
            renderTable(
              zhOr(ctx, '查核代號|期間|版本|開始|開始者', 'run|period|version|started|by').split('|'),
              runs.map((r) => [r.id.slice(0, 8), r.period, r.catalog_version_id, r.started_at, r.started_by]),
              ctx.width,
            ),
          );
        }),
      ),
    );

  inspect
    .command('sign')
    .description('資安長簽核整份查核（簽核後唯讀）/ the CISO signs the inspection off (read-only from then on)')
    .requiredOption('--firm <firm>', 'licence number or name')
    .requiredOption('--period <period>', 'the inspection period')
    .option('--as <user>', 'who signs (the CISO; not anyone who recorded a result)')
    .option('--json', 'JSON output')
    .action((o: { firm: string; period: string; as?: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          // No accounts yet: the signer is a local operator, and that is how they were authenticated.
          const how = { role: 'ciso', authentication: `local operator, OS account ${os.userInfo().username}` };
          const r = await s.signRun(actorOf(ctx, o.as), { firm: o.firm, period: o.period }, how);
          if (ctx.json)
            return ctx.printJson({
              signed_by: r.signoff.signed_by,
              signed_at: r.signoff.signed_at,
              revision: r.revision,
              results_hash: r.signoff.results_hash,
              authentication: r.signoff.authentication,
              witness: r.witness,
            });
          ctx.print(
            zhOr(
              ctx,
              `✓ ${o.period} 第 ${r.revision} 版已由 ${r.signoff.signed_by}（資安長，${how.authentication}）簽核完竣，自此唯讀；稽核鏈首 #${r.witness.seq} 已見證`,
              `✓ ${o.period} revision ${r.revision} signed off by ${r.signoff.signed_by} (CISO, ${how.authentication}); read-only from now on; audit head #${r.witness.seq} witnessed`,
            ),
          );
        }),
      ),
    );
  inspect
    .command('revise')
    .description('更正已簽核之查核：建立新版次（原版次不變）/ correct a signed inspection: a new revision; the signed one stays as it was')
    .requiredOption('--firm <firm>', 'licence number or name')
    .requiredOption('--period <period>', 'the inspection period')
    .option('--as <user>', 'who is acting')
    .option('--json', 'JSON output')
    .action((o: { firm: string; period: string; as?: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          const r = await s.reviseRun(actorOf(ctx, o.as), { firm: o.firm, period: o.period });
          if (ctx.json) return ctx.printJson({ id: r.run.id, revision: r.revision, revises: r.revises });
          ctx.print(
            zhOr(
              ctx,
              `已建立 ${o.period} 第 ${r.revision} 版（更正 ${r.revises.slice(0, 8)}）：結果照原樣複製，須重新覆核與簽核`,
              `created ${o.period} revision ${r.revision} (correcting ${r.revises.slice(0, 8)}): results copied as they were; each needs approval and a new sign-off`,
            ),
          );
        }),
      ),
    );

  const evidence = program.command('evidence').description('佐證資料（加密保存）/ evidence, encrypted at rest');
  evidence
    .command('add')
    .description('加入佐證檔案，可同時附於某查核項目 / add an evidence file, optionally to an item')
    .argument('<file>')
    .requiredOption('--firm <firm>', 'licence number or name')
    .requiredOption('--collected-at <when>', 'when the evidence was produced (2026-11-20 or an ISO time)')
    .option('--expires <date>', 'when the evidence stops being valid')
    .option('--period <period>', 'the inspection to attach it to')
    .option('--item <path>', 'the item to attach it to (needs --period)')
    .option('--as <user>', 'who is acting')
    .option('--json', 'JSON output')
    .action((file: string, o: { firm: string; collectedAt: string; expires?: string; period?: string; item?: string; as?: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          if (o.item && !o.period) throw new CoreError('RESULT_INVALID', '--item needs --period (which inspection)', { what: '--period', path: o.item });
          const actor = actorOf(ctx, o.as);
          const source = path.resolve(ctx.io.cwd, file);
          // The file goes into the vault first (outside the lock); recording it and attaching it
          // to the item are one transaction, so a wrong --item leaves no unattached evidence row.
          await s.storeFile(source);
          const { evidence: e, reused } = await s.transaction(async () => {
            const added = await s.addEvidence(actor, o.firm, source, {
              collectedAt: instantOption(o.collectedAt),
              expiresOn: o.expires ? parseAnyDate(o.expires) : null,
            });
            if (o.item && o.period) await s.attachEvidence(actor, { firm: o.firm, period: o.period, path: o.item }, added.evidence.sha256);
            return added;
          });
          if (ctx.json)
            return ctx.printJson({
              sha256: e.sha256,
              size: e.size,
              name: e.name,
              collected_at: e.collected_at,
              uploaded_at: e.uploaded_at,
              reused,
              attached_to: o.item ?? null,
            });
          ctx.print(
            `${e.sha256}  ${e.name}  ${e.size} B${reused ? zhOr(ctx, '（已存在，沿用）', ' (already stored, reused)') : ''}${o.item ? ` → ${o.item}` : ''}`,
          );
        }),
      ),
    );
  evidence
    .command('list')
    .description('列出佐證 / list evidence')
    .requiredOption('--firm <firm>', 'licence number or name')
    .option('--json', 'JSON output')
    .action((o: { firm: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          const list = await s.listEvidence((await s.firm(o.firm)).id);
          if (ctx.json) return ctx.printJson({ evidence: list });
          ctx.print(
            renderTable(
              ['sha256', 'name', 'size', 'collected', 'uploaded', 'expires'],
              list.map((e) => [e.sha256.slice(0, 16), e.name, String(e.size), e.collected_at, e.uploaded_at, e.expires_on ?? '']),
              ctx.width,
            ),
          );
        }),
      ),
    );
  evidence
    .command('get')
    .description('解密取出佐證 / decrypt an evidence file')
    .argument('<sha256>')
    .requiredOption('-o, --output <file>', 'where to write it (readable by you only)')
    .option('--force', 'replace the file if it exists')
    .action((sha: string, o: { output: string; force?: boolean }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          await s.vault().get(sha, path.resolve(ctx.io.cwd, o.output), { overwrite: o.force === true });
          ctx.print(o.output);
        }),
      ),
    );
  evidence
    .command('verify')
    .description('解密並驗證每個佐證檔之雜湊 / decrypt and re-hash every evidence file in the vault')
    .option('--json', 'JSON output')
    .action((_o, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          const r = await s.verifyEvidence();
          if (ctx.json) ctx.printJson({ ok: r.problems.length === 0, ...r });
          else if (!r.problems.length) ctx.print(zhOr(ctx, `✓ ${r.checked} 個佐證檔皆完整`, `✓ all ${r.checked} evidence files intact`));
          else {
            ctx.print(zhOr(ctx, `✗ ${r.checked} 個佐證檔中有 ${r.problems.length} 個問題：`, `✗ ${r.problems.length} of ${r.checked} evidence files fail:`));
            for (const p of r.problems) ctx.print(`  - ${p.sha256.slice(0, 16)} ${p.name ?? ''} [${p.code}] ${p.detail}`);
          }
          const first = r.problems[0];
          if (first)
            throw new CoreError('VAULT_CORRUPT', `${r.problems.length} evidence file(s) fail their integrity check, the first: ${first.name ?? first.sha256}`, {
              sha256: first.sha256,
            });
        }),
      ),
    );

  const result = program.command('result').description('查核結果 / item results');
  result
    .command('set')
    .description('記錄人工查核結果（聲明）/ record a result as a person (attestation)')
    .requiredOption('--firm <firm>', 'licence number or name')
    .requiredOption('--period <period>', 'the inspection period')
    .requiredOption('--item <path>', 'item path, e.g. 7/(1)/a/(j)')
    .requiredOption('--status <status>', RESULT_STATUSES.join(' | '))
    .option('--justification <text>', 'why (required for attestations, partial and not_applicable)')
    .option('--expires <date>', 'when the attestation stops counting (required)')
    .option('--evidence <sha256...>', 'evidence the result rests on')
    .option('--severity <severity>', 'severity of the finding a fail opens: low | medium | high | critical')
    .option('--as <user>', 'who is acting')
    .option('--json', 'JSON output')
    .action(
      (
        o: {
          firm: string;
          period: string;
          item: string;
          status: string;
          justification?: string;
          expires?: string;
          evidence?: string[];
          severity?: string;
          as?: string;
        },
        cmd: Command,
      ) =>
        runner(cmd, (ctx) =>
          withService(ctx, async (s) => {
            const ref = { firm: o.firm, period: o.period, path: o.item };
            const input = parseInput(
              recordResultInputSchema,
              {
                status: o.status,
                justification: o.justification ?? null,
                source: 'attestation',
                expiresOn: o.expires ? parseAnyDate(o.expires) : null,
                evidence: o.evidence ?? [],
                severity: o.severity,
              },
              o.item,
            );
            const r = await recordResult(s.deps, operatorOf(ctx, o.as), ref, input);
            if (ctx.json) return ctx.printJson(presentRecording(r));
            ctx.print(`${r.result.path}: ${r.result.status} (${r.result.contentHash.slice(0, 19)}…)`);
            if (r.finding) {
              ctx.print(
                zhOr(ctx, `缺失 ${r.finding.id.slice(0, 8)}：${r.finding.status}`, `finding ${r.finding.id.slice(0, 8)}: ${r.finding.status}`) +
                  (r.finding.previousFindingId
                    ? zhOr(ctx, `（重複缺失，前次 ${r.finding.previousFindingId.slice(0, 8)}）`, ` (repeat of ${r.finding.previousFindingId.slice(0, 8)})`)
                    : ''),
              );
            }
          }),
        ),
    );
  result
    .command('approve')
    .description('權責主管覆核（紀錄者不得自行覆核）/ sign off a result (maker-checker)')
    .requiredOption('--firm <firm>', 'licence number or name')
    .requiredOption('--period <period>', 'the inspection period')
    .requiredOption('--item <path>', 'item path')
    .option('--as <user>', 'who is approving')
    .option('--json', 'JSON output')
    .action((o: { firm: string; period: string; item: string; as?: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          const a = await approveResult(s.deps, operatorOf(ctx, o.as), { firm: o.firm, period: o.period, path: o.item });
          if (ctx.json) return ctx.printJson(presentReview(o.item, a));
          ctx.print(zhOr(ctx, `${o.item} 已由 ${a.by} 覆核（${a.hash.slice(0, 19)}…）`, `${o.item} approved by ${a.by} (${a.hash.slice(0, 19)}…)`));
        }),
      ),
    );

  result
    .command('reject')
    .description('權責主管退回結果並說明理由（紀錄者不得自行退回）/ send a result back to the officer, with the reason (maker-checker)')
    .requiredOption('--firm <firm>', 'licence number or name')
    .requiredOption('--period <period>', 'the inspection period')
    .requiredOption('--item <path>', 'item path')
    .requiredOption('--reason <text>', 'why the result goes back (at least 5 characters)')
    .option('--as <user>', 'who is rejecting')
    .option('--json', 'JSON output')
    .action((o: { firm: string; period: string; item: string; reason: string; as?: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          const input = parseInput(rejectInputSchema, { firm: o.firm, period: o.period, path: o.item, reason: o.reason }, o.item);
          const r = await rejectResult(s.deps, operatorOf(ctx, o.as), input);
          if (ctx.json) return ctx.printJson(presentReview(o.item, r));
          ctx.print(
            zhOr(
              ctx,
              `${o.item} 已由 ${r.by} 退回（${r.hash.slice(0, 19)}…）：${r.reason ?? ''}`,
              `${o.item} rejected by ${r.by} (${r.hash.slice(0, 19)}…): ${r.reason ?? ''}`,
            ),
          );
        }),
      ),
    );

  const finding = program.command('finding').description('缺失與改善 / findings and remediation');
  finding
    .command('list')
    .description('列出缺失 / list findings')
    .option('--firm <firm>', 'licence number or name')
    .option('--json', 'JSON output')
    .action((o: { firm?: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          const list = (await listFindings(s.deps, operatorOf(ctx, undefined), o.firm ? (await s.firm(o.firm)).id : undefined)).map(presentFinding);
          if (ctx.json) return ctx.printJson({ findings: list });
          ctx.print(
            renderTable(
              zhOr(ctx, 'ID|項次|嚴重度|狀態|負責人|期限|前次', 'id|path|severity|status|owner|due|repeat of').split('|'),
              list.map((f) => [f.id.slice(0, 8), f.path, f.severity, f.status, f.owner ?? '', f.due_on ?? '', f.previous_finding_id?.slice(0, 8) ?? '']),
              ctx.width,
            ),
          );
        }),
      ),
    );
  finding
    .command('register')
    .description('缺失追蹤表（跨期間）/ the findings register across periods, as XLSX or CSV')
    .requiredOption('-o, --output <file>', '.xlsx or .csv')
    .option('--firm <firm>', 'licence number or name')
    .action((o: { output: string; firm?: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          const file = path.resolve(ctx.io.cwd, o.output);
          const format = file.toLowerCase().endsWith('.csv') ? 'csv' : file.toLowerCase().endsWith('.xlsx') ? 'xlsx' : null;
          if (!format) throw new CoreError('INPUT_UNSUPPORTED_FORMAT', `${o.output}: expected a .xlsx or .csv file name`, {}, { file: o.output });
          const register = await findingsRegister({ inspections: s }, operatorOf(ctx, undefined), { firm: o.firm, format });
          await writeUserFile(file, register.body);
          ctx.print(zhOr(ctx, `已寫出缺失追蹤表 ${file}（${register.rows} 筆）`, `wrote the findings register ${file} (${register.rows} rows)`));
        }),
      ),
    );
  finding
    .command('update')
    .description('更新缺失：原因、改善措施、負責人、期限、狀態 / update a finding and move it along')
    .argument('<id>', 'finding id (or its first characters)')
    .option('--root-cause <text>')
    .option('--action <text>', 'corrective action')
    .option('--owner <name>')
    .option('--due <date>')
    .option('--severity <severity>', 'low | medium | high | critical')
    .option('--status <status>', FINDING_STATUSES.join(' | '))
    .option('--effectiveness <text>', 'effectiveness check (needed to close)')
    .option('--as <user>', 'who is acting')
    .option('--json', 'JSON output')
    .action(
      (
        id: string,
        o: { rootCause?: string; action?: string; owner?: string; due?: string; severity?: string; status?: string; effectiveness?: string; as?: string },
        cmd: Command,
      ) =>
        runner(cmd, (ctx) =>
          withService(ctx, async (s) => {
            if (o.status && !FINDING_STATUSES.some((st) => st === o.status)) {
              throw new CoreError('FINDING_INVALID_TRANSITION', `unknown status ${o.status} (${FINDING_STATUSES.join(', ')})`, { id, to: o.status });
            }
            const update = parseInput(
              findingUpdateSchema,
              {
                rootCause: o.rootCause,
                correctiveAction: o.action,
                owner: o.owner,
                dueOn: o.due ? parseAnyDate(o.due) : undefined,
                severity: o.severity,
                to: o.status,
                effectivenessCheck: o.effectiveness,
              },
              `finding ${id}`,
            );
            const f = presentFinding(await updateFinding(s.deps, operatorOf(ctx, o.as), id, update));
            if (ctx.json) return ctx.printJson({ finding: f });
            ctx.print(`${f.id.slice(0, 8)}  ${f.path}  ${f.status}`);
          }),
        ),
    );

  const audit = program.command('audit').description('稽核軌跡 / the audit trail');
  audit
    .command('verify')
    .description('驗證稽核軌跡之雜湊鏈與資料列 / verify the hash chain and every row against it')
    .option('--json', 'JSON output')
    .action((_o, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          const r = await verifyAuditUseCase({ inspections: s }, operatorOf(ctx, undefined));
          if (ctx.json) ctx.printJson(r);
          else if (r.ok) ctx.print(zhOr(ctx, `✓ 稽核軌跡完整：${r.events} 筆事件，鏈首 ${r.head}`, `✓ audit trail intact: ${r.events} events, head ${r.head}`));
          else {
            ctx.print(zhOr(ctx, `✗ 稽核軌跡有 ${r.problems.length} 個問題：`, `✗ the audit trail has ${r.problems.length} problem(s):`));
            for (const p of r.problems)
              ctx.print(`  - ${p.kind}${p.seq !== null ? ` #${p.seq}` : ''} ${p.entity ?? ''} ${p.label ? `(${p.label}) ` : ''}${p.detail}`);
          }
          if (!ctx.json && r.unauthenticatedBefore !== null)
            ctx.print(
              zhOr(
                ctx,
                `  第 ${r.unauthenticatedBefore} 筆以前之事件無金鑰驗證碼（建立 audit.key 之前寫入）/ unauthenticated before seq ${r.unauthenticatedBefore}`,
                `  unauthenticated before seq ${r.unauthenticatedBefore} (events written before audit.key existed)`,
              ),
            );
          if (!r.ok) throw new CoreError('AUDIT_CHAIN_BROKEN', `the audit trail is broken: ${r.problems[0]!.detail}`, {});
        }),
      ),
    );

  program
    .command('backup')
    .description('備份資料庫與佐證（含雜湊清單）/ back up the database and evidence, with a manifest of hashes')
    .argument('<dir>', 'a new, empty folder')
    .option('--with-signing-key', 'also the package-signing private key, sealed with the evidence key (default: only its public half)')
    .option('--json', 'JSON output')
    .action((dir: string, o: { withSigningKey?: boolean }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(ctx, async (s) => {
          const m = await backupStore({ inspections: s }, operatorOf(ctx, undefined), path.resolve(ctx.io.cwd, dir), { withSigningKey: o.withSigningKey });
          if (ctx.json) return ctx.printJson(m);
          ctx.print(
            zhOr(
              ctx,
              `已備份至 ${dir}：${m.tables.reduce((a, t) => a + t.rows, 0)} 筆資料、${m.blobs.length} 個佐證檔，稽核鏈首 ${m.auditHead}`,
              `backed up to ${dir}: ${m.tables.reduce((a, t) => a + t.rows, 0)} rows, ${m.blobs.length} evidence files, audit head ${m.auditHead}`,
            ),
          );
        }),
      ),
    );

  program
    .command('restore')
    .description('檢查所有雜湊後還原至空資料庫 / check every hash, then restore into an empty database')
    .argument('<dir>', 'a folder written by ccheck backup')
    .option('--json', 'JSON output')
    .action((dir: string, _o, cmd: Command) =>
      runner(cmd, (ctx) =>
        withService(
          ctx,
          async (s) => {
            const r = await restoreStore({ inspections: s }, operatorOf(ctx, undefined), path.resolve(ctx.io.cwd, dir));
            if (ctx.json)
              return ctx.printJson({
                verified: r.verified,
                audit_head: r.manifest.auditHead,
                events: r.manifest.auditEvents,
                packages: r.packages,
                signing_key: r.signingKey,
                flags: r.flags,
              });
            // A backup whose audit trail does not verify is refused before its commit (exit 6), so here it verified.
            ctx.print(
              zhOr(
                ctx,
                `✓ 已還原並驗證稽核軌跡（${r.manifest.auditEvents} 筆事件），查核封存檔 ${r.packages} 個，簽章金鑰：${r.signingKey}`,
                `✓ restored and verified the audit trail (${r.manifest.auditEvents} events), ${r.packages} signed package(s), signing key: ${r.signingKey}`,
              ),
            );
            for (const f of r.flags) ctx.print(zhOr(ctx, `！ 未能證明：${f}`, `! not proven: ${f}`));
          },
          { create: true },
        ),
      ),
    );
}
