import { z } from 'zod';
import type { AnalyzerFinding, AnalyzerOutcome } from '../../core/analysis/analyzer.js';
import { defineAnalyzer, option, verdictOf } from '../../core/analysis/analyzer.js';
import { CappedFindings, readingFindings, scanLogRanges } from '../log-monitoring/log-records.js';
import {
  CLAUSE,
  joinTrailRanges,
  joinTrailTotals,
  scanTrailLines,
  scanTrailRange,
  TRAIL_FIELDS,
  TRAILS_SCANNER,
  type TrailScanParams,
  type TrailTotals,
} from './trail-scan.js';

export { TRAIL_FIELDS } from './trail-scan.js';

/** At most how many byte ranges a large log is read in (the shell gives one per worker thread; see log-monitoring's LOG_RANGES). */
const TRAIL_RANGES = 64;

/**
 * 8/(5)/k: personal-data use leaves an audit trail that can be traced after a leak. Every
 * access record must carry the login account, the system function, the time, the system name
 * and the query command or result; each one missing is a finding naming the line. Findings are
 * capped per kind (option) and every missing field is counted.
 */
export const pdTrailsAnalyzer = defineAnalyzer({
  id: 'pd-trails',
  title: 'Personal-data audit trails: access records missing required fields',
  titleZh: '個人資料使用稽核軌跡：存取紀錄欄位缺漏',
  items: [CLAUSE],
  inputs: [
    {
      name: 'personal-data access log',
      formats: ['jsonl', 'csv', 'syslog (RFC 5424 structured data, key=value messages)'],
      description: `one access per line with ${TRAIL_FIELDS.map((f) => `${f.zh}/${f.en}`).join(', ')} (e.g. keys account, function, time, system, query or result; CSV headers 登入帳號, 系統功能, 時間, 系統名稱, 查詢指令)`,
    },
  ],

  recognises({ name, head }) {
    if (!/\.(log|jsonl|ndjson|json|csv|txt)$/i.test(name)) return false;
    const first = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
    // A CSV header or JSON record naming an account and a query/result, or a file called so.
    return (
      /個資|個人資料|personal[-_ ]?data|pii|pd[-_]?trail/i.test(name) ||
      (/登入帳號|"?(account|user(name)?|user_id)"?\s*[:,]/i.test(first) && /查詢|"?(query|sql|result)"?\s*[:,]/i.test(first))
    );
  },

  options: z.strictObject({
    max_findings_per_kind: option.integer(1, 100_000).default(50).describe('missing-field findings listed per field; the rest are counted'),
  }),

  async analyze(ctx): Promise<AnalyzerOutcome> {
    const todayMs = Date.parse(`${ctx.today}T23:59:59.999+08:00`);
    const cap = ctx.options.max_findings_per_kind;
    const reading: AnalyzerFinding[] = [];
    let total: TrailTotals | null = null;
    for (const file of ctx.files) {
      const params = (continued: boolean): TrailScanParams => ({ file: file.name, todayMs, maxFindingsPerKind: cap, continued });
      const part =
        (await scanLogRanges(file, TRAIL_RANGES, TRAILS_SCANNER, params, scanTrailRange, (parts) => joinTrailRanges(parts, cap))) ??
        (await scanTrailLines(file.lines(), params(false)));
      reading.push(...readingFindings(file.name, part.read, CLAUSE));
      total = total ? joinTrailTotals(total, part, 0, cap) : part;
    }
    const found = new CappedFindings(cap);
    if (total) found.absorb(total.found, 0);
    const { scope = 0, incomplete = 0 } = total ?? {};
    const missing = total?.missing ?? new Map<string, number>();
    const counts = TRAIL_FIELDS.map((f) => `${f.en} ${missing.get(f.key) ?? 0}`).join(', ');
    const countsZh = TRAIL_FIELDS.map((f) => `${f.zh} ${missing.get(f.key) ?? 0}`).join('、');
    const findings = [...found.finish(CLAUSE), ...reading];
    return {
      verdict: verdictOf(findings, 0),
      scope,
      findings,
      summary: `${scope} access records, ${incomplete} incomplete; missing per field: ${counts}`,
      summaryZh: `共 ${scope} 筆存取紀錄，${incomplete} 筆欄位不全；各欄位缺漏筆數：${countsZh}`,
    };
  },
});
