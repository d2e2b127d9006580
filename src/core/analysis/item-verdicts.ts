import type { ResultStatus } from '../inspection/item-result.js';
import type { AnalyzerFinding, AnalyzerReport, Verdict } from './analyzer.js';

/** What recording an analyzer's report does to one of its items. */
export type ItemDecision =
  | { readonly item: string; readonly action: 'record'; readonly verdict: Verdict; readonly failing: readonly AnalyzerFinding[] }
  | { readonly item: string; readonly action: 'skip'; readonly reason: 'not_in_run' | 'not_applicable' | 'not_judged' };

/** Whether `clause` is `item` or one of its sub-items (7/(1)/d/(b) is part of 7/(1)/d). */
const within = (clause: string, item: string) => clause === item || clause.startsWith(`${item}/`);

/**
 * Each item of an analyzer gets its own verdict, not the analyzer's: a failed drill (10/(4))
 * does not fail 1/(4), and a firm without a video identity channel has not passed 12/(6)/a.
 * - an item the run does not hold, or that does not apply to the firm, is not recorded: the
 *   frozen applicability decides, never an analyzer;
 * - an item the analyzer says the evidence did not speak to is not recorded;
 * - `error` and `not_applicable` hold for every item (nothing could be judged);
 * - otherwise an item fails when a failing finding names it or one of its sub-items (or lists it
 *   in `alsoBreaks`); a failing finding that names none of the analyzer's items fails them all,
 *   so a finding can never be lost between items.
 */
export function decideItems(report: AnalyzerReport, statusInRun: ReadonlyMap<string, ResultStatus>): ItemDecision[] {
  const failing = report.findings.filter((f) => f.failing);
  const names = (f: AnalyzerFinding, item: string) => within(f.clause, item) || (f.alsoBreaks ?? []).some((c) => within(c, item));
  const unattributed = failing.filter((f) => !report.items.some((item) => names(f, item)));
  return report.items.map((item): ItemDecision => {
    const status = statusInRun.get(item);
    if (status === undefined) return { item, action: 'skip', reason: 'not_in_run' };
    if (status === 'not_applicable') return { item, action: 'skip', reason: 'not_applicable' };
    if (report.verdict === 'error' || report.verdict === 'not_applicable') return { item, action: 'record', verdict: report.verdict, failing: [] };
    if (report.unjudged?.includes(item)) return { item, action: 'skip', reason: 'not_judged' };
    // A failing verdict with no failing finding to attribute (an analyzer's own judgement) fails every item.
    if (report.verdict === 'fail' && failing.length === 0) return { item, action: 'record', verdict: 'fail', failing: [] };
    const mine = [...failing.filter((f) => names(f, item)), ...unattributed];
    return { item, action: 'record', verdict: mine.length ? 'fail' : 'pass', failing: mine };
  });
}
