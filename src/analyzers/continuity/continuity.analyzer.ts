import { z } from 'zod';
import type { AnalyzerFinding, AnalyzerOutcome } from '../../core/analysis/analyzer.js';
import { defineAnalyzer, option, verdictOf } from '../../core/analysis/analyzer.js';
import type { TabularData } from '../../core/catalog/checklist/apply-checklist.js';
import { parseAnyDate, type IsoDate } from '../../core/dates.js';
import { CoreError } from '../../core/errors.js';
import { indexHeaders } from '../../core/table-headers.js';
import type { MalformedRecords } from '../malformed-records.js';
import {
  CORE_SYSTEM_COLUMNS,
  formatMinutes,
  isCoreSystemTable,
  looksLikeFirmProfile,
  parseDurationMinutes,
  daysBetween,
  readRecoveryEvidence,
  requireColumns,
  systemKey,
  type CoreSystemTarget,
} from '../recovery-targets.js';
import { readColumns, type ColumnSpec } from '../table-columns.js';

/** Drill records: one row per business-continuity drill of a system. Measured times in minutes unless the cell names a unit. */
export const DRILL_COLUMNS = [
  { key: 'system', zh: '系統名稱', en: 'system', required: false },
  { key: 'date', zh: '演練日期', en: 'drill_date', required: false },
  { key: 'scenario', zh: '演練情境', en: 'scenario', required: false },
  { key: 'recovery', zh: '實際復原時間', en: 'recovery_minutes', required: false },
  { key: 'dataLoss', zh: '實際資料損失', en: 'data_loss_minutes', required: false },
  { key: 'result', zh: '結果', en: 'result', required: false },
] as const satisfies readonly ColumnSpec[];

const TARGETS = '1/(4)';
const OFFSITE = '10/(3)';
const DRILLS = '10/(4)';
const TOLERABLE = '10/(10)';

interface Drill {
  readonly file: string;
  readonly line: number;
  readonly system: string;
  readonly date: IsoDate;
  readonly scenario: string | null;
  readonly recoveryMinutes: number | null;
  readonly dataLossMinutes: number | null;
  readonly failed: boolean;
}

const isDrillTable = (headers: readonly string[]) => indexHeaders(headers, [{ key: 'date', names: ['演練日期', 'drill_date'] }]).has('date');

function readDrills(data: TabularData, today: IsoDate, malformed: MalformedRecords): Drill[] {
  requireColumns(data, DRILL_COLUMNS, ['system', 'date']);
  const out: Drill[] = [];
  for (const r of readColumns(data, DRILL_COLUMNS)) {
    const problems: { en: string; zh: string }[] = [];
    if (!r.system) problems.push({ en: 'no system name', zh: '無系統名稱' });
    let date: IsoDate | null = null;
    try {
      date = r.date ? parseAnyDate(r.date) : null;
      if (!date) problems.push({ en: 'no drill date', zh: '無演練日期' });
      else if (date > today) problems.push({ en: `drill date ${date} is after ${today}`, zh: `演練日期 ${date} 晚於 ${today}` });
    } catch {
      problems.push({ en: `drill_date "${r.date}" is not a date`, zh: `演練日期「${r.date}」不是日期` });
    }
    const time = (v: string | null, en: string, zh: string) => {
      if (v === null) return null;
      const m = parseDurationMinutes(v, 'minutes');
      if (m === null) problems.push({ en: `${en} "${v}" is not a duration`, zh: `${zh}「${v}」不是時間長度` });
      return m;
    };
    const recoveryMinutes = time(r.recovery, 'recovery_minutes', '實際復原時間');
    const dataLossMinutes = time(r.dataLoss, 'data_loss_minutes', '實際資料損失');
    if (problems.length || !date) {
      malformed.add(r.rowNumber, `${r.system ?? '?'}: ${problems.map((p) => p.en).join('; ')}`, `${r.system ?? '?'}：${problems.map((p) => p.zh).join('；')}`);
      continue;
    }
    out.push({
      file: data.fileName,
      line: r.rowNumber,
      system: r.system!,
      date,
      scenario: r.scenario,
      recoveryMinutes,
      dataLossMinutes,
      failed: r.result !== null && /失敗|未通過|不通過|不合格|fail|not passed|ng/i.test(r.result),
    });
  }
  return out;
}

/**
 * 1/(4) tolerable interruption time, RTO and RPO of every core system; 10/(10) back within the
 * tolerable time; 10/(3) an off-site recovery site as the firm's tier requires; 10/(4) drills
 * whose measured recovery time and data loss meet the RTO and RPO, held regularly.
 */
export const continuityAnalyzer = defineAnalyzer({
  id: 'continuity',
  title: 'Business continuity: core-system RTO/RPO, off-site recovery site, drills against the targets',
  titleZh: '營運持續：核心系統可容忍中斷時間、RTO/RPO、異地備援與演練結果',
  items: [TARGETS, OFFSITE, DRILLS, TOLERABLE],
  inputs: [
    {
      name: 'core systems',
      formats: ['firm-profile.yaml', 'csv', 'xlsx'],
      description: `the firm profile (core_systems, tier_parameters.offsite_backup_required) or columns ${CORE_SYSTEM_COLUMNS.map((c) => `${c.zh}/${c.en}`).join(', ')}`,
    },
    { name: 'drill records', formats: ['csv', 'xlsx'], description: `columns ${DRILL_COLUMNS.map((c) => `${c.zh}/${c.en}`).join(', ')}` },
  ],

  recognises({ name, head }) {
    if (looksLikeFirmProfile(name, head)) return true;
    if (!/\.(csv|tsv|xlsx)$/i.test(name)) return false;
    const headers = (head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '').split(',');
    return isCoreSystemTable(headers) || (isDrillTable(headers) && /系統名稱|system/i.test(headers.join(',')));
  },

  options: z.strictObject({
    offsite_required: option
      .oneOf(['auto', 'yes', 'no'])
      .default('auto')
      .describe('10/(3) off-site recovery site by tier: auto = the 異地備援要求/offsite_required column or the profile, else required'),
    drill_max_days: option.integer(1, 3650).default(365).describe('a core system without a drill in this many days fails 10/(4)'),
  }),

  async analyze(ctx): Promise<AnalyzerOutcome> {
    const findings: AnalyzerFinding[] = [];
    const evidence = await readRecoveryEvidence(ctx.files, TARGETS);
    findings.push(...evidence.unreadable);
    let undetermined = evidence.unreadable.length;
    const targets = evidence.targets;
    const drills: Drill[] = [];
    for (const { data, bad } of evidence.tables) {
      if (!isDrillTable(data.headers))
        throw new CoreError(
          'INPUT_UNSUPPORTED_FORMAT',
          `${data.fileName}: neither core systems (系統名稱/system with 可容忍中斷時間/tolerable_interruption_hours or 復原時間目標/rto_hours) nor drill records (演練日期/drill_date)`,
          {},
          { file: data.fileName, row: 1 },
        );
      drills.push(...readDrills(data, ctx.today, bad));
    }
    if (targets.length === 0 && undetermined === 0)
      throw new CoreError('INPUT_UNSUPPORTED_FORMAT', 'no core systems among the files (firm-profile.yaml or the core-system template)', {});

    const byKey = new Map(targets.map((t) => [systemKey(t.name), t]));
    const at = (t: CoreSystemTarget | Drill, rule: string) => ({ file: t.file, line: t.line, rule, blocking: [] });

    for (const t of targets) {
      // 1/(4): all three targets, or nothing else can be judged against them.
      const missing = [
        t.tolerableMinutes === null ? ['tolerable interruption time', '可容忍中斷時間'] : null,
        t.rtoMinutes === null ? ['RTO', '復原時間目標（RTO）'] : null,
        t.rpoMinutes === null ? ['RPO', '資料復原點目標（RPO）'] : null,
      ].filter((x): x is string[] => x !== null);
      if (missing.length)
        findings.push({
          ...at(t, t.name),
          kind: 'targets_missing',
          severity: 'high',
          failing: true,
          clause: TARGETS,
          detail: `core system ${t.name} has no ${missing.map((m) => m[0]).join(', ')}; 1/(4) asks for the tolerable interruption time, RTO and RPO of every core system`,
          detailZh: `核心系統 ${t.name} 未訂定${missing.map((m) => m[1]).join('、')}；違反 1/(4)`,
        });
      if (t.rtoMinutes !== null && t.tolerableMinutes !== null && t.rtoMinutes > t.tolerableMinutes) {
        const rto = formatMinutes(t.rtoMinutes);
        const tol = formatMinutes(t.tolerableMinutes);
        findings.push({
          ...at(t, t.name),
          kind: 'rto_exceeds_tolerable',
          severity: 'high',
          failing: true,
          clause: TOLERABLE,
          detail: `${t.name}: RTO ${rto.en} is longer than the tolerable interruption time ${tol.en}; 10/(10) asks for service back within the tolerable time`,
          detailZh: `${t.name}：復原時間目標 ${rto.zh} 超過可容忍中斷時間 ${tol.zh}；違反 10/(10)`,
        });
      }
      // 10/(3): off site "依所屬資安分級"; the tier's requirement comes from the evidence or the option.
      const stated = ctx.options.offsite_required === 'auto' ? t.offsiteRequired : ctx.options.offsite_required === 'yes';
      if ((stated ?? true) && t.offsiteSite !== true) {
        const why = stated === null ? ' (the tier requirement is not given, so it is assumed; set offsite_required=no if the tier does not ask for one)' : '';
        const whyZh = stated === null ? '（未提供資安分級之要求，視為應建置；如分級未要求請設 offsite_required=no）' : '';
        findings.push({
          ...at(t, t.name),
          kind: 'no_offsite_site',
          severity: 'high',
          failing: true,
          clause: OFFSITE,
          detail: `${t.name}: ${t.offsiteSite === false ? 'no' : 'no stated'} off-site recovery site; 10/(3) asks for one according to the firm's tier${why}`,
          detailZh: `${t.name}：${t.offsiteSite === false ? '無' : '未載明'}異地備援機房；違反 10/(3) 依所屬資安分級建置異地備援機房${whyZh}`,
        });
      }
    }

    for (const d of drills) {
      const t = byKey.get(systemKey(d.system));
      const what = `${d.system} drill ${d.date}${d.scenario ? ` (${d.scenario})` : ''}`;
      const whatZh = `${d.system} ${d.date} 演練${d.scenario ? `（${d.scenario}）` : ''}`;
      if (!t) {
        findings.push({
          ...at(d, d.system),
          kind: 'drill_unknown_system',
          severity: 'low',
          failing: false,
          clause: DRILLS,
          detail: `${what}: ${d.system} is not among the core systems given; not judged`,
          detailZh: `${whatZh}：${d.system} 不在所列核心系統中，未判斷`,
        });
        continue;
      }
      if (d.failed)
        findings.push({
          ...at(d, d.system),
          kind: 'drill_failed',
          severity: 'high',
          failing: true,
          clause: DRILLS,
          detail: `${what}: recorded as failed`,
          detailZh: `${whatZh}：結果為未通過`,
        });
      if (d.recoveryMinutes === null && d.dataLossMinutes === null) {
        findings.push({
          ...at(d, d.system),
          kind: 'drill_not_measured',
          severity: 'medium',
          failing: false,
          clause: DRILLS,
          detail: `${what}: no measured recovery time or data loss, so the drill cannot be compared with the RTO and RPO`,
          detailZh: `${whatZh}：未記錄實際復原時間與資料損失，無法與 RTO、RPO 比較`,
        });
        undetermined++;
      }
      if (d.recoveryMinutes !== null) {
        const took = formatMinutes(d.recoveryMinutes);
        // Past the tolerable time is the graver breach (10/(10)); past the RTO alone, 10/(4).
        const limit =
          t.tolerableMinutes !== null && d.recoveryMinutes > t.tolerableMinutes
            ? { kind: 'drill_over_tolerable', clause: TOLERABLE, min: t.tolerableMinutes, en: 'tolerable interruption time', zh: '可容忍中斷時間' }
            : t.rtoMinutes !== null && d.recoveryMinutes > t.rtoMinutes
              ? { kind: 'drill_rto_exceeded', clause: DRILLS, min: t.rtoMinutes, en: 'RTO', zh: '復原時間目標（RTO）' }
              : null;
        if (limit) {
          const lim = formatMinutes(limit.min);
          findings.push({
            ...at(d, d.system),
            kind: limit.kind,
            severity: 'high',
            failing: true,
            clause: limit.clause,
            detail: `${what}: recovery took ${took.en}, longer than the ${limit.en} of ${lim.en}`,
            detailZh: `${whatZh}：實際復原時間 ${took.zh}，超過${limit.zh} ${lim.zh}；違反 ${limit.clause}`,
          });
        }
      }
      if (d.dataLossMinutes !== null && t.rpoMinutes !== null && d.dataLossMinutes > t.rpoMinutes) {
        const lost = formatMinutes(d.dataLossMinutes);
        const rpo = formatMinutes(t.rpoMinutes);
        findings.push({
          ...at(d, d.system),
          kind: 'drill_rpo_exceeded',
          severity: 'high',
          failing: true,
          clause: DRILLS,
          detail: `${what}: ${lost.en} of data lost, more than the RPO of ${rpo.en}`,
          detailZh: `${whatZh}：實際資料損失 ${lost.zh}，超過資料復原點目標 ${rpo.zh}；違反 10/(4)`,
        });
      }
    }

    // 10/(4) 定期辦理業務持續運作演練: each core system drilled within the period.
    for (const t of targets) {
      const mine = drills.filter((d) => systemKey(d.system) === systemKey(t.name)).sort((a, b) => (a.date < b.date ? 1 : -1));
      const last = mine[0];
      if (!last || daysBetween(last.date, ctx.today) > ctx.options.drill_max_days)
        findings.push({
          ...at(t, t.name),
          kind: 'no_recent_drill',
          severity: 'high',
          failing: true,
          clause: DRILLS,
          detail: `${t.name}: ${last ? `last drill ${last.date}` : 'no drill recorded'}, none in the ${ctx.options.drill_max_days} days before ${ctx.today}; 10/(4) asks for regular continuity drills`,
          detailZh: `${t.name}：${last ? `最近演練為 ${last.date}` : '無演練紀錄'}，${ctx.today} 前 ${ctx.options.drill_max_days} 日內未辦理演練；違反 10/(4) 定期辦理業務持續運作演練`,
        });
    }

    for (const m of evidence.malformed) {
      const f = m.finding(TARGETS);
      if (f) findings.push(f);
      undetermined += m.count;
    }
    const failing = findings.filter((f) => f.failing).length;
    return {
      verdict: verdictOf(findings, undetermined),
      scope: targets.length,
      findings,
      summary: `${targets.length} core systems, ${drills.length} drills: ${failing} failing findings, ${undetermined} undetermined`,
      summaryZh: `共 ${targets.length} 個核心系統、${drills.length} 筆演練：${failing} 項不符合，${undetermined} 項無法判斷`,
    };
  },
});
