import { z } from 'zod';
import type { AnalyzerFinding, AnalyzerOutcome } from '../../core/analysis/analyzer.js';
import { defineAnalyzer, option, verdictOf } from '../../core/analysis/analyzer.js';
import type { TabularData } from '../../core/catalog/checklist/apply-checklist.js';
import { parseAnyDate, type IsoDate } from '../../core/dates.js';
import { CoreError } from '../../core/errors.js';
import type { MalformedRecords } from '../malformed-records.js';
import {
  formatMinutes,
  isCoreSystemTable,
  looksLikeFirmProfile,
  parseDurationMinutes,
  parseYesNo,
  daysBetween,
  readRecoveryEvidence,
  requireColumns,
  systemKey,
} from '../recovery-targets.js';
import { readColumns, type ColumnSpec } from '../table-columns.js';
import { scheduleGap } from './backup-schedule.js';

/** The backup-job inventory: one row per backup job (a copy of a system's data). */
export const BACKUP_COLUMNS = [
  { key: 'system', zh: '系統名稱', en: 'system', required: false },
  { key: 'dataType', zh: '資料類型', en: 'data_type', required: false },
  { key: 'backupType', zh: '備份類型', en: 'backup_type', required: false },
  { key: 'method', zh: '備份方式', en: 'method', required: false },
  { key: 'media', zh: '儲存媒體', en: 'media', required: false },
  { key: 'location', zh: '存放地點', en: 'location', required: false },
  { key: 'offsite', zh: '異地', en: 'offsite', required: false },
  { key: 'schedule', zh: '備份排程', en: 'schedule', required: false },
  { key: 'lastSuccess', zh: '最近成功日', en: 'last_success', required: false },
  { key: 'lastRestoreTest', zh: '最近回存測試日', en: 'last_restore_test', required: false },
  { key: 'rpo', zh: '資料復原點目標', en: 'rpo_minutes', required: false },
] as const satisfies readonly ColumnSpec[];

const F = '7/(2)/c/(f)';
const G = '7/(2)/c/(g)';

interface Job {
  readonly file: string;
  readonly line: number;
  readonly system: string;
  readonly label: string;
  readonly offline: boolean;
  readonly backupType: 'full' | 'incremental' | 'differential' | null;
  readonly dataType: string | null;
  readonly offsite: boolean;
  readonly media: string | null;
  readonly location: string | null;
  readonly gapMinutes: number;
  readonly lastSuccess: IsoDate | null;
  readonly lastRestoreTest: IsoDate | null;
  readonly rpoMinutes: number | null;
}

/** A date, or a date with a time (2026-11-29 02:00, 2026/11/29T02:00); the day is what counts. */
function dayOf(v: string): IsoDate | null {
  try {
    return parseAnyDate(v.trim().split(/[\sT]/)[0]!);
  } catch {
    return null;
  }
}

/** 離線 / offline / air-gapped: a copy ransomware on the network cannot reach. */
const isOffline = (method: string | null) => method !== null && /離線|offline|air-?gap|隔離/i.test(method) && !/非離線|not offline/i.test(method);
/** Without an 異地/offsite column, the location says it: 異地, off-site, DR site, 備援中心. */
const isOffsiteLocation = (location: string | null) => location !== null && /異地|off-?site|\bdr\b|備援中心|災備|remote/i.test(location);

/** 完整 / full, 增量 / incremental, 差異 / differential; null when the column is empty or says something else. */
function backupTypeOf(v: string | null): Job['backupType'] {
  if (v === null) return null;
  if (/完整|全量|full/i.test(v)) return 'full';
  if (/增量|incremental|incr/i.test(v)) return 'incremental';
  if (/差異|differential|diff/i.test(v)) return 'differential';
  return null;
}

function readJobs(data: TabularData, malformed: MalformedRecords): Job[] {
  requireColumns(data, BACKUP_COLUMNS, ['system', 'schedule']);
  const jobs: Job[] = [];
  for (const r of readColumns(data, BACKUP_COLUMNS)) {
    const problems: { en: string; zh: string }[] = [];
    if (!r.system) problems.push({ en: 'no system name', zh: '無系統名稱' });
    const schedule = r.schedule === null ? null : scheduleGap(r.schedule);
    if (schedule === null) problems.push({ en: 'no schedule', zh: '無備份排程' });
    else if (!schedule.ok) problems.push(schedule);
    const date = (v: string | null, en: string, zh: string): IsoDate | null => {
      if (v === null) return null;
      const d = dayOf(v);
      if (d === null) problems.push({ en: `${en} "${v}" is not a date`, zh: `${zh}「${v}」不是日期` });
      return d;
    };
    const lastSuccess = date(r.lastSuccess, 'last_success', '最近成功日');
    const lastRestoreTest = date(r.lastRestoreTest, 'last_restore_test', '最近回存測試日');
    const rpo = r.rpo === null ? null : parseDurationMinutes(r.rpo, 'minutes');
    if (r.rpo !== null && rpo === null) problems.push({ en: `rpo "${r.rpo}" is not a duration`, zh: `資料復原點目標「${r.rpo}」不是時間長度` });
    const offsite = r.offsite === null ? isOffsiteLocation(r.location) : parseYesNo(r.offsite);
    if (offsite === null) problems.push({ en: `offsite "${r.offsite}" is not yes/no`, zh: `異地「${r.offsite}」不是是／否` });
    if (problems.length || !schedule?.ok) {
      malformed.add(r.rowNumber, `${r.system ?? '?'}: ${problems.map((p) => p.en).join('; ')}`, `${r.system ?? '?'}：${problems.map((p) => p.zh).join('；')}`);
      continue;
    }
    jobs.push({
      file: data.fileName,
      line: r.rowNumber,
      system: r.system!,
      label: [r.system, r.dataType, r.backupType, r.media].filter(Boolean).join(' / '),
      offline: isOffline(r.method),
      backupType: backupTypeOf(r.backupType),
      dataType: r.dataType,
      offsite: offsite ?? false,
      media: r.media,
      location: r.location,
      gapMinutes: schedule.gapMinutes,
      lastSuccess,
      lastRestoreTest,
      rpoMinutes: rpo,
    });
  }
  return jobs;
}

/**
 * 7/(2)/c/(f) backups designed from the RPO, restorable, with an offline baseline; 7/(2)/c/(g)
 * the 3-2-1 rule. Every core system is judged from its backup jobs: how long a backup can lose
 * at worst against its RPO, whether the jobs still run, the last restore test, an offline copy,
 * and three copies on two independent media with one off site.
 */
export const backupsAnalyzer = defineAnalyzer({
  id: 'backups',
  title: 'Backups against each core system’s RPO: interval, restore tests, offline copy, 3-2-1',
  titleZh: '資料備份：依核心系統 RPO 之備份頻率、回存測試、離線備份與 3-2-1 原則',
  items: [F, G],
  inputs: [
    { name: 'backup-job inventory', formats: ['csv', 'xlsx'], description: `columns ${BACKUP_COLUMNS.map((c) => `${c.zh}/${c.en}`).join(', ')}` },
    {
      name: 'core systems (optional, for RPOs)',
      formats: ['firm-profile.yaml', 'csv', 'xlsx'],
      description: 'the firm profile (core_systems) or the core-system template of the continuity analyzer',
    },
  ],

  recognises({ name, head }) {
    if (looksLikeFirmProfile(name, head)) return true;
    if (!/\.(csv|tsv|xlsx)$/i.test(name)) return false;
    const headers = (head.split(/\r?\n/, 1)[0] ?? '').split(',');
    return /備份排程|schedule/i.test(headers.join(',')) && /系統名稱|system/i.test(headers.join(',')) ? true : isCoreSystemTable(headers);
  },

  options: z.strictObject({
    restore_test_max_days: option.integer(1, 3650).default(365).describe('a restore test older than this many days is overdue'),
    stale_grace_days: option.integer(0, 365).default(1).describe('days a job may be late past its schedule before it counts as not running'),
    require_offline: option.oneOf(['yes', 'no']).default('yes').describe('whether every system needs an offline copy (7/(2)/c/(f))'),
    rule_321: option.oneOf(['warn', 'fail']).default('warn').describe('3-2-1 is a 宜 (should) in 7/(2)/c/(g): warn, or fail'),
  }),

  async analyze(ctx): Promise<AnalyzerOutcome> {
    const findings: AnalyzerFinding[] = [];
    const evidence = await readRecoveryEvidence(ctx.files, F);
    findings.push(...evidence.unreadable);
    let undetermined = evidence.unreadable.length;
    const targets = evidence.targets;
    const jobs = evidence.tables.flatMap((t) => readJobs(t.data, t.bad));
    // An inventory that could not be decoded is already named; anything else without one is the wrong input.
    if (evidence.tables.length === 0 && evidence.unreadable.length === 0)
      throw new CoreError(
        'INPUT_UNSUPPORTED_FORMAT',
        'no backup-job inventory among the files (a CSV/XLSX with 系統名稱/system and 備份排程/schedule columns)',
        {},
      );

    const bySystem = new Map<string, Job[]>();
    for (const j of jobs) bySystem.set(systemKey(j.system), [...(bySystem.get(systemKey(j.system)) ?? []), j]);
    const targetOf = new Map(targets.map((t) => [systemKey(t.name), t]));
    const grace = ctx.options.stale_grace_days;
    let scope = 0;

    // A core system with no backup job at all has nothing that could meet its RPO.
    for (const t of targets) {
      if (bySystem.has(systemKey(t.name))) continue;
      scope++;
      findings.push({
        kind: 'no_backup_job',
        severity: 'high',
        failing: true,
        clause: F,
        file: t.file,
        line: t.line,
        rule: t.name,
        blocking: [],
        detail: `core system ${t.name} has no backup job in the inventory; 7/(2)/c/(f) asks for backups designed from its RPO`,
        detailZh: `核心系統 ${t.name} 在備份清冊中沒有任何備份作業；違反 7/(2)/c/(f) 依 RPO 制定資料備份機制`,
      });
    }

    for (const list of bySystem.values()) {
      scope++;
      const name = list[0]!.system;
      const target = targetOf.get(systemKey(name));
      const push = (j: Job | null, kind: string, failing: boolean, clause: string, en: string, zh: string, severity: AnalyzerFinding['severity'] = 'medium') =>
        findings.push({
          kind,
          severity,
          failing,
          clause,
          file: (j ?? list[0]!).file,
          line: (j ?? list[0]!).line,
          rule: j ? j.label : name,
          blocking: [],
          detail: en,
          detailZh: zh,
        });

      // 7/(2)/c/(f): the worst-case loss of the most frequent job against the RPO.
      const rowRpos = list.map((j) => j.rpoMinutes).filter((x): x is number => x !== null);
      const rpo = rowRpos.length ? Math.min(...rowRpos) : (target?.rpoMinutes ?? null);
      const best = [...list].sort((a, b) => a.gapMinutes - b.gapMinutes)[0]!;
      if (rpo === null) {
        undetermined++;
        push(
          null,
          'rpo_unknown',
          false,
          F,
          `${name}: no RPO in the inventory or the core systems given; its backup interval cannot be judged`,
          `${name}：清冊與核心系統資料皆無資料復原點目標（RPO），無法判斷備份頻率`,
        );
      } else if (best.gapMinutes > rpo) {
        const gap = formatMinutes(best.gapMinutes);
        const r = formatMinutes(rpo);
        push(
          best,
          'interval_exceeds_rpo',
          true,
          F,
          `${name}: its most frequent backup runs at most every ${gap.en}, longer than the RPO of ${r.en}; 7/(2)/c/(f) asks for a frequency that meets the RPO`,
          `${name}：最密集之備份間隔最長 ${gap.zh}，超過資料復原點目標 ${r.zh}；違反 7/(2)/c/(f) 依 RPO 訂定備份頻率`,
          'high',
        );
      }

      // A job whose last success is older than its schedule allows has stopped.
      for (const j of list) {
        if (j.lastSuccess === null) {
          push(j, 'no_success_recorded', true, F, `${j.label}: no successful run recorded`, `${j.label}：無最近成功備份紀錄`);
          continue;
        }
        const late = daysBetween(j.lastSuccess, ctx.today) - Math.ceil(j.gapMinutes / 1440) - grace;
        if (late > 0)
          push(
            j,
            'backup_not_running',
            true,
            F,
            `${j.label}: last successful run ${j.lastSuccess}, ${late} day(s) later than its schedule allows`,
            `${j.label}：最近成功備份為 ${j.lastSuccess}，已逾排程 ${late} 日`,
            'high',
          );
      }

      // 7/(2)/c/(f) 以確保資料可正確回存: a restore that was tried, and recently.
      const tests = list.filter((j) => j.lastRestoreTest !== null).sort((a, b) => (a.lastRestoreTest! < b.lastRestoreTest! ? 1 : -1));
      const latest = tests[0];
      if (!latest)
        push(
          null,
          'no_restore_test',
          true,
          F,
          `${name}: no restore test recorded for any of its ${list.length} backup job(s); 7/(2)/c/(f) asks that data can be restored correctly`,
          `${name}：${list.length} 項備份作業皆無回存測試紀錄；違反 7/(2)/c/(f) 確保資料可正確回存`,
        );
      else if (daysBetween(latest.lastRestoreTest!, ctx.today) > ctx.options.restore_test_max_days)
        push(
          latest,
          'restore_test_overdue',
          true,
          F,
          `${name}: last restore test ${latest.lastRestoreTest}, more than ${ctx.options.restore_test_max_days} days ago`,
          `${name}：最近回存測試為 ${latest.lastRestoreTest}，已逾 ${ctx.options.restore_test_max_days} 日`,
        );

      if (ctx.options.require_offline === 'yes' && !list.some((j) => j.offline))
        push(
          null,
          'no_offline_copy',
          true,
          F,
          `${name}: no offline backup (備份方式 離線/offline) among its ${list.length} job(s)`,
          `${name}：${list.length} 項備份作業皆非離線備份`,
        );

      // 7/(2)/c/(f) 如採離線備份應依備份類型建立適當的備份基準: an offline increment needs an offline full copy of the same data to restore from.
      for (const j of list) {
        if (!j.offline || (j.backupType !== 'incremental' && j.backupType !== 'differential')) continue;
        const sameData = (k: Job) => systemKey(k.dataType ?? '') === systemKey(j.dataType ?? '');
        if (!list.some((k) => k.offline && k.backupType === 'full' && sameData(k)))
          push(
            j,
            'offline_without_baseline',
            true,
            F,
            `${j.label}: an offline ${j.backupType} backup with no offline full backup of the same data as its baseline; 7/(2)/c/(f) asks for a baseline per backup type so the data can be restored`,
            `${j.label}：離線${j.backupType === 'incremental' ? '增量' : '差異'}備份無同資料之離線完整備份作為基準；違反 7/(2)/c/(f) 應依備份類型建立備份基準`,
          );
      }

      // 7/(2)/c/(g) 3-2-1: copies are distinct media+location pairs; media are told apart by name.
      const copies = new Set(list.map((j) => `${systemKey(j.media ?? '')}|${systemKey(j.location ?? '')}`)).size;
      const media = new Set(list.map((j) => systemKey(j.media ?? '')).filter(Boolean)).size;
      const offsite = list.some((j) => j.offsite);
      const missing: { en: string; zh: string }[] = [];
      if (copies < 3) missing.push({ en: `${copies} cop${copies === 1 ? 'y' : 'ies'} (3 needed)`, zh: `僅 ${copies} 份備份（應至少三份）` });
      if (media < 2) missing.push({ en: `${media} storage medium (2 independent needed)`, zh: `僅 ${media} 種儲存設備（應有兩套獨立設備）` });
      if (!offsite) missing.push({ en: 'no copy off site', zh: '無異地保存之備份' });
      if (missing.length)
        push(
          null,
          'rule_321_not_met',
          ctx.options.rule_321 === 'fail',
          G,
          `${name}: the 3-2-1 rule is not met: ${missing.map((m) => m.en).join(', ')} (7/(2)/c/(g))`,
          `${name}：未符合 3-2-1 備份原則：${missing.map((m) => m.zh).join('、')}（7/(2)/c/(g)）`,
          'low',
        );
    }

    for (const m of evidence.malformed) {
      const f = m.finding(F);
      if (f) findings.push(f);
      undetermined += m.count;
    }
    const failing = findings.filter((f) => f.failing).length;
    return {
      verdict: verdictOf(findings, undetermined),
      scope,
      findings,
      summary: `${scope} systems, ${jobs.length} backup jobs: ${failing} failing findings, ${undetermined} undetermined`,
      summaryZh: `共 ${scope} 個系統、${jobs.length} 項備份作業：${failing} 項不符合，${undetermined} 項無法判斷`,
    };
  },
});
