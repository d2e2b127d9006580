import { createHash } from 'node:crypto';
import { createEvents, type EventAttributes } from 'ics';
import { csvDocument } from '../core/csv.js';
import type { Plan, PlanEntry } from '../core/plan/build-plan.js';

const STATUS_ZH: Record<PlanEntry['status'], string> = { done: '已完成', overdue: '逾期', due: '本期應辦', upcoming: '待辦' };

/**
 * A UID that stays the same for the same firm, item and period, so that importing a newer plan
 * into a calendar updates the events instead of duplicating them.
 */
export function eventUid(licence: string, entry: Pick<PlanEntry, 'path' | 'period'>): string {
  const firm = createHash('sha256').update(licence).digest('hex').slice(0, 12);
  const item = entry.path.replace(/[()]/g, '').replace(/\//g, '-');
  return `ccheck-${firm}-${item}-${entry.period.id}@ccheck`;
}

const ymd = (iso: string): [number, number, number] => iso.split('-').map(Number) as [number, number, number];
function dayAfter(iso: string): [number, number, number] {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

/** One all-day event per item and period, on the due date. */
export function planToIcs(plan: Plan, firm: { name: string; licence: string }): string {
  const events: EventAttributes[] = plan.entries.map((e) => ({
    uid: eventUid(firm.licence, e),
    start: ymd(e.due),
    end: dayAfter(e.due),
    title: `[${STATUS_ZH[e.status]}] ${e.path} ${e.code ?? ''} ${e.title} (${e.period.id})`.replace(/\s+/g, ' '),
    description: `${firm.name}：${e.path}（${e.code ?? '—'}）${e.title}\n查核期間 ${e.period.start} ~ ${e.period.end}，期限 ${e.due}${e.completedOn ? `，完成於 ${e.completedOn}` : ''}${e.advisory ? '\n宜（建議事項）' : ''}`,
    categories: ['ccheck', e.code ?? 'ccheck'],
    status: 'CONFIRMED',
    productId: 'ccheck',
    calName: `ccheck ${firm.name}`,
  }));
  const { error, value } = createEvents(events);
  if (error || !value) throw error ?? new Error('ics: no output');
  return value;
}

/** The plan as CSV (UTF-8 with BOM, so that Excel opens the Chinese correctly). */
export function planToCsv(plan: Plan): string {
  const header = [
    '項次 / path',
    '控制代碼 / cc_code',
    '標題 / title',
    '查核頻率 / frequency',
    '期間 / period',
    '起日 / start',
    '期限 / due',
    '狀態 / status',
    '完成日 / completed_on',
    '宜 / advisory',
  ];
  const rows = plan.entries.map((e) => [
    e.path,
    e.code ?? '',
    e.title,
    e.frequency,
    e.period.id,
    e.period.start,
    e.due,
    e.status,
    e.completedOn ?? '',
    e.advisory ? 'yes' : '',
  ]);
  return csvDocument([header, ...rows]);
}
