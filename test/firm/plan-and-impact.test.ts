import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeImpactMemo } from '../../src/core/plan/assess-impact.js';
import { CoreError } from '../../src/core/errors.js';
import { planToCsv, planToIcs } from '../../src/io/plan-export.js';
import { offlineCatalogStore } from '../../src/services/catalog-service.js';
import { impactFor, planFor, readCompletionsFile } from '../../src/services/firm-service.js';
import { internetTier1, profileFrom, voiceAndCounterOnly } from '../helpers/profiles.js';
import { tempDir } from '../helpers/shared.js';

const store = offlineCatalogStore('/nonexistent-ccheck-home');
const v2023 = (await store.get('2023-08-23')).version;
const before = (await store.get('before-2023-08-23')).version;
let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

/** Parsed by Mozilla's ical.js, the parser behind Thunderbird's calendar. */
function parseIcs(text: string): ICAL.Component {
  const jcal: unknown = ICAL.parse(text);
  return new ICAL.Component(jcal as unknown[]);
}

const range = { from: '2026-11-01', to: '2026-12-31', today: '2026-12-05' };

describe('the inspection plan', () => {
  it('marks done, overdue, due and upcoming from recorded completions and today', () => {
    const plan = planFor(v2023, internetTier1(), range, [{ path: '7/(1)/a/(j)', period: '2026-11', completedOn: '2026-11-20' }]);
    const at = (p: string, period: string) => plan.entries.find((e) => e.path === p && e.period.id === period);
    expect(at('7/(1)/a/(j)', '2026-11')).toMatchObject({
      status: 'done',
      completedOn: '2026-11-20',
      due: '2026-11-30',
      code: 'CC-17010',
      frequency: 'monthly',
    });
    expect(at('7/(1)/b/(h)', '2026-11')).toMatchObject({ status: 'overdue' });
    expect(at('7/(1)/b/(h)', '2026-12')).toMatchObject({ status: 'due', due: '2026-12-31' });
    expect(at('7/(2)/b/(f)', '2026-H2')).toMatchObject({ status: 'due', due: '2026-12-31', frequency: 'semiannual' });
    expect(at('12/(6)/b', '2026')).toMatchObject({ frequency: 'annual', due: '2026-12-31' });
    expect(at('7/(2)/c/(g)', '2026-H2')?.advisory).toBe(true);
    // Headings are checked through their items, not on their own.
    expect(plan.entries.some((e) => e.path === '7/(1)/d' || e.path === '7')).toBe(false);
    expect(plan.entries.some((e) => e.path === '12/(4)/g')).toBe(false); // the firm has no IoT
  });

  it('carries points 13 and 14, which the 2023 table elides under (以下略), at their reference cadence', () => {
    const colocation = profileFrom((y) => y.replace('colocation: false', 'colocation: true'));
    const plan = planFor(v2023, colocation, range, []);
    const periodsOf = (p: string) => plan.entries.filter((e) => e.path === p).map((e) => e.period.id);
    expect(periodsOf('14')).toEqual(['2026-11', '2026-12']); // monthly, the stricter of its items' cadences
    expect(plan.entries.find((e) => e.path === '14')).toMatchObject({ code: 'CC-23000', frequency: 'monthly', status: 'overdue' });
    expect(periodsOf('13')).toEqual(['2026-H2']);
    expect(plan.entries.find((e) => e.path === '13')).toMatchObject({ code: 'CC-22000', frequency: 'semiannual', due: '2026-12-31' });
    // Without co-location, point 14 is not planned; point 13 still is.
    const plain = planFor(v2023, internetTier1(), range, []);
    expect(plain.entries.some((e) => e.path === '14')).toBe(false);
    expect(plain.entries.some((e) => e.path === '13')).toBe(true);
  });

  it('derives the next cycle from the last completion', () => {
    const plan = planFor(v2023, internetTier1(), range, [
      { path: '7/(1)/a/(j)', period: '2026-11', completedOn: '2026-11-20' },
      { path: '7/(2)/b/(f)', period: '2026-H2', completedOn: '2026-12-01' },
    ]);
    const next = (p: string) => plan.next.find((n) => n.path === p);
    expect(next('7/(1)/a/(j)')).toMatchObject({ after: '2026-11', due: '2026-12-31', period: { id: '2026-12' } });
    expect(next('7/(2)/b/(f)')).toMatchObject({ after: '2026-H2', due: '2027-06-30', period: { id: '2027-H1' } });
    expect(next('7/(1)/b/(h)')).toMatchObject({ after: null, period: { id: '2026-12' } });
  });

  it('starts an item no earlier than the version takes effect', () => {
    const plan = planFor(v2023, internetTier1(), { from: '2023-01-01', to: '2023-12-31', today: '2023-12-31' }, []);
    const periods = plan.entries.filter((e) => e.path === '7/(1)/a/(j)').map((e) => e.period.id);
    expect(periods).toEqual(['2023-08', '2023-09', '2023-10', '2023-11', '2023-12']);
  });

  it('exports an ICS calendar that a real iCalendar parser reads, with stable UIDs', () => {
    const profile = internetTier1();
    const plan = planFor(v2023, profile, range, []);
    const ics = planToIcs(plan, profile.firm);
    const cal = parseIcs(ics);
    const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events).toHaveLength(plan.entries.length);
    expect(new Set(events.map((e) => e.uid)).size).toBe(events.length);
    const ev = events.find((e) => e.summary.includes('7/(1)/b/(h)') && e.summary.includes('(2026-11)'))!;
    expect(ev.startDate.isDate).toBe(true); // all-day, on the due date
    expect(ev.startDate.toString()).toBe('2026-11-30');
    expect(ev.summary).toContain('[逾期]');
    expect(ev.description).toContain('範例證券股份有限公司');

    // Re-exported after the check is done: the same UID, so a calendar updates the event.
    const later = planToIcs(planFor(v2023, profile, range, [{ path: '7/(1)/b/(h)', period: '2026-11', completedOn: '2026-12-01' }]), profile.firm);
    const again = parseIcs(later)
      .getAllSubcomponents('vevent')
      .map((v) => new ICAL.Event(v));
    const same = again.find((e) => e.uid === ev.uid)!;
    expect(same.summary).toContain('[已完成]');
    expect(again.map((e) => e.uid).sort()).toEqual(events.map((e) => e.uid).sort());
  });

  it('exports CSV with bilingual headers', () => {
    const csv = planToCsv(planFor(v2023, internetTier1(), range, []));
    expect(csv.startsWith('\uFEFF項次 / path,控制代碼 / cc_code')).toBe(true);
    expect(csv).toContain('7/(1)/b/(h),CC-17010,公司建立網路設備規則應以最小授權及正面表列為原則,monthly,2026-11,2026-11-01,2026-11-30,overdue,,');
  });

  it('reads completions files and names bad rows', async () => {
    const good = path.join(tmp.dir, 'done.csv');
    writeFileSync(good, '項次,期間,完成日\n7(1)a(j),2026-11,115年11月20日\n');
    expect(await readCompletionsFile(good)).toEqual([{ path: '7/(1)/a/(j)', period: '2026-11', completedOn: '2026-11-20' }]);
    const bad = path.join(tmp.dir, 'bad.csv');
    writeFileSync(bad, 'path,period,completed_on\n7/(1)/a/(j),2026-11,2026-11-20\n7/(1)/a/(j),2026-Q4,2026-11-20\n');
    const e = await readCompletionsFile(bad).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CoreError);
    expect((e as CoreError).location).toMatchObject({ row: 3, field: '期間 / period' });
  });
});

describe('amendment impact', () => {
  it('for an internet-order broker: new items, changed wording and renumbering with tasks and due dates', () => {
    const impact = impactFor(before, v2023, internetTier1());
    const of = (p: string) => impact.items.find((i) => i.path === p);
    expect(of('7/(1)/a/(j)')).toMatchObject({ kind: 'newly_applicable', task: 'new_procedure_evidence_check', due: '2023-08-31', code: 'CC-17010' });
    expect(of('7/(2)/c/(g)')).toMatchObject({ kind: 'newly_applicable', due: '2023-12-31', advisory: true });
    expect(of('12/(6)/b')).toMatchObject({ kind: 'newly_applicable', due: '2023-12-31' });
    expect(of('1/(4)')).toMatchObject({ kind: 'changed', task: 'update_procedure_evidence', oldPath: '1/(4)', due: '2023-12-31' });
    expect(of('7/(1)/f')).toMatchObject({ kind: 'renumbered', oldPath: '7/(1)/e', task: 'relabel_records', due: '2023-08-23' });
    expect(of('7/(1)/e')).toMatchObject({ kind: 'changed', oldPath: '7/(1)/d' }); // renumbered and retitled
    expect(impact.items.filter((i) => i.kind === 'no_longer_applicable')).toEqual([]);
  });

  it('for a voice-only broker: the malware item e→f stays applicable (renumbered), MFA does not apply', () => {
    const impact = impactFor(before, v2023, voiceAndCounterOnly());
    const of = (p: string) => impact.items.find((i) => i.path === p);
    expect(of('7/(1)/f')).toMatchObject({ kind: 'renumbered', oldPath: '7/(1)/e' });
    expect(of('7/(1)/a/(j)')?.kind).toBe('newly_applicable');
    expect(of('7/(1)/b/(h)')?.kind).toBe('newly_applicable');
    expect(of('7/(1)/d/(a)')).toBeUndefined();
    expect(of('1/(4)')).toBeUndefined();
    expect(of('10/(3)')).toMatchObject({ kind: 'changed', tierDependent: true });
  });

  it('writes a zh-TW memo management can read', () => {
    const profile = voiceAndCounterOnly();
    const impact = impactFor(before, v2023, profile);
    const memo = writeImpactMemo(impact, profile, { from: before.hash, to: v2023.hash });
    expect(memo).toContain('# 「建立證券商資通安全檢查機制」修正對本公司之影響');
    expect(memo).toContain('- 公司：範例證券股份有限公司（金管證總字第0000號）');
    expect(memo).toContain('- 生效日：民國112年8月23日（2023-08-23）');
    expect(memo).toMatch(/## 一、新增適用項目.*\n\n1\. 7\/\(1\)\/a\/\(j\)（CC-17010）應避免使用生命週期終止/);
    expect(memo).toContain('7/(1)/e → 7/(1)/f');
    expect(memo).toContain('完成期限 民國112年8月31日（2023-08-31）');
    expect(memo).toContain(v2023.hash.slice(0, 19));
  });
});

describe('ical.js sanity', () => {
  it('reads the file ccheck wrote to disk', () => {
    const profile = internetTier1();
    const file = path.join(tmp.dir, 'plan.ics');
    writeFileSync(file, planToIcs(planFor(v2023, profile, range, []), profile.firm));
    const cal = parseIcs(readFileSync(file, 'utf8'));
    expect(cal.getFirstPropertyValue('prodid')).toContain('ccheck');
  });
});
