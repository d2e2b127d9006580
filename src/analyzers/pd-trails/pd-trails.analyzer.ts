import { z } from 'zod';
import type { AnalyzerFinding, AnalyzerOutcome } from '../../core/analysis/analyzer.js';
import { defineAnalyzer, option, verdictOf } from '../../core/analysis/analyzer.js';
import { CappedFindings, field, normKey, plain, readingFindings, readJsonLinesFast, readLog, type LogRecord } from '../log-monitoring/log-records.js';

const CLAUSE = '8/(5)/k';

/**
 * The five things 8/(5)/k names for a personal-data audit trail (登入帳號、系統功能、時間、系統名稱、
 * 查詢指令或結果), each with the keys firms' systems use for it (JSON keys, CSV headers in zh-TW
 * or English, RFC 5424 structured data, `key=value` in a syslog message).
 */
export const TRAIL_FIELDS = [
  {
    key: 'account',
    en: 'login account',
    zh: '登入帳號',
    aliases: [
      'account',
      'login_account',
      'login',
      'login_id',
      'user',
      'username',
      'user_id',
      'userid',
      'uid',
      'actor',
      'operator',
      'employee_id',
      'emp_id',
      'user.name',
      '帳號',
      '登入帳號',
      '使用者',
      '使用者帳號',
      '操作人員',
      '員工編號',
    ],
  },
  {
    key: 'function',
    en: 'system function',
    zh: '系統功能',
    aliases: [
      'function',
      'func',
      'feature',
      'operation',
      'op',
      'action',
      'activity',
      'menu',
      'program',
      'transaction',
      'txn',
      'api',
      'endpoint',
      '功能',
      '系統功能',
      '作業',
      '操作',
      '交易',
      '功能代號',
    ],
  },
  { key: 'time', en: 'time', zh: '時間', aliases: [] },
  {
    key: 'system',
    en: 'system name',
    zh: '系統名稱',
    aliases: ['system', 'system_name', 'sys', 'app', 'app_name', 'application', 'service', '系統', '系統名稱', '應用系統'],
  },
  {
    key: 'query',
    en: 'query command or result',
    zh: '查詢指令或結果',
    aliases: [
      'query',
      'query_command',
      'sql',
      'statement',
      'command',
      'cmd',
      'criteria',
      'params',
      'request',
      'result',
      'results',
      'result_count',
      'rows',
      'row_count',
      'records',
      '查詢',
      '查詢指令',
      '查詢條件',
      '指令',
      '結果',
      '查詢結果',
      '筆數',
    ],
  },
].map((f) => ({ ...f, aliases: f.aliases.map(normKey) }));

type TrailField = (typeof TRAIL_FIELDS)[number];

function present(record: LogRecord, f: TrailField): boolean {
  if (f.key === 'time') return record.time !== null;
  return field(record.fields, f.aliases) !== null;
}

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
    const found = new CappedFindings(ctx.options.max_findings_per_kind);
    const reading: AnalyzerFinding[] = [];
    const missing = new Map<string, number>(TRAIL_FIELDS.map((f) => [f.key, 0]));
    let scope = 0;
    let incomplete = 0;
    for (const file of ctx.files) {
      const onRecord = (record: LogRecord) => {
        scope++;
        const absent = TRAIL_FIELDS.filter((f) => !present(record, f));
        if (!absent.length) return;
        incomplete++;
        const account = field(record.fields, TRAIL_FIELDS[0]!.aliases);
        const who = account ? ` (${account})` : '';
        for (const f of absent) {
          missing.set(f.key, missing.get(f.key)! + 1);
          const unreadable = f.key === 'time' && record.timeText ? ` ("${record.timeText}" is not a readable time)` : '';
          const unreadableZh = f.key === 'time' && record.timeText ? `（「${record.timeText}」無法辨識為時間）` : '';
          found.push({
            kind: `missing_${f.key}`,
            severity: 'medium',
            failing: true,
            clause: CLAUSE,
            file: file.name,
            line: record.line,
            rule: account,
            blocking: [],
            detail: `line ${record.line}${who}: the access record has no ${f.en}${unreadable}; 8/(5)/k requires login account, function, time, system name and query/result`,
            detailZh: `第 ${record.line} 行${who}：存取紀錄缺少${f.zh}${unreadableZh}；依 8/(5)/k 應留存登入帳號、系統功能、時間、系統名稱、查詢指令或結果`,
          });
        }
      };
      // JSON Lines the quick way: a line whose five fields are all there is only counted; any
      // line missing one (or of another shape) is read whole and judged by onRecord.
      const withValues = TRAIL_FIELDS.filter((f) => f.key !== 'time');
      const chunks = file.bytes?.();
      const read =
        (chunks &&
          (await readJsonLinesFast(
            chunks,
            todayMs,
            withValues.map((f) => f.aliases),
            (q) => {
              if (q.time === null || q.values.some((v) => plain(v) === null)) return false;
              scope++;
              return true;
            },
            onRecord,
          ))) ??
        (await readLog(file.lines(), todayMs, onRecord));
      reading.push(...readingFindings(file.name, read, CLAUSE));
    }
    const counts = TRAIL_FIELDS.map((f) => `${f.en} ${missing.get(f.key)}`).join(', ');
    const countsZh = TRAIL_FIELDS.map((f) => `${f.zh} ${missing.get(f.key)}`).join('、');
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
