import type { TabularData } from '../catalog/checklist/apply-checklist.js';
import type { IsoDate } from '../dates.js';
import { CoreError } from '../errors.js';

/** An analyzer's answer. `error` is never counted as pass or fail. */
export type Verdict = 'pass' | 'fail' | 'error' | 'not_applicable';
export type FindingSeverity = 'info' | 'low' | 'medium' | 'high';

/** Where a finding points: the file, the line or row, and the rule or record there. */
export interface FindingLocation {
  readonly file: string | null;
  readonly line: number | null;
  readonly rule: string | null;
}

/** One thing an analyzer found, named down to the row that caused it. */
export interface AnalyzerFinding extends FindingLocation {
  readonly kind: string;
  readonly severity: FindingSeverity;
  /** What is wrong, and why (the clause). */
  readonly detail: string;
  readonly detailZh: string;
  /** The clause of the mechanism it breaks, e.g. 7/(1)/a/(j). */
  readonly clause: string;
  /** Whether the finding alone makes the verdict fail (warnings do not). */
  readonly failing: boolean;
  /** Other rows involved, e.g. the earlier rules that make this one unreachable. */
  readonly blocking: readonly FindingLocation[];
}

/** An evidence file, as an analyzer may read it: streamed lines, text, or a table. */
export interface EvidenceInput {
  readonly name: string;
  lines(): AsyncIterable<string>;
  text(): Promise<string>;
  table(): Promise<TabularData>;
}

export interface AnalyzerContext {
  readonly files: readonly EvidenceInput[];
  /** The day the check is judged on: an input, never the wall clock. */
  readonly today: IsoDate;
  readonly options: Readonly<Record<string, string>>;
}

export interface AnalyzerOutcome {
  readonly verdict: Verdict;
  /** How many records were judged; zero means the evidence said nothing. */
  readonly scope: number;
  readonly findings: readonly AnalyzerFinding[];
  readonly summary: string;
  readonly summaryZh: string;
}

export interface Analyzer {
  readonly id: string;
  readonly title: string;
  readonly titleZh: string;
  /** The catalog items this analyzer evidences. */
  readonly items: readonly string[];
  /** Documented input formats, shown by `ccheck analyzers`. */
  readonly inputs: readonly { readonly name: string; readonly formats: readonly string[]; readonly description: string }[];
  /**
   * Whether a file looks like this analyzer's evidence, from its name and its head (the first
   * 64 KB of text; for a workbook, the first row's cells joined by commas). `ccheck run` uses it to
   * match a folder of evidence when neither a manifest nor a folder name says which analyzer.
   */
  recognises?(file: { readonly name: string; readonly head: string }): boolean;
  analyze(ctx: AnalyzerContext): Promise<AnalyzerOutcome>;
}

export interface AnalyzerReport extends AnalyzerOutcome {
  readonly analyzer: string;
  readonly items: readonly string[];
}

/**
 * Runs an analyzer and enforces the rules every analyzer shares: an exception is an `error`
 * (never pass or fail), an empty scope is never a pass, and the verdict agrees with the
 * findings (a failing finding cannot sit under a pass).
 */
export async function runAnalyzer(analyzer: Analyzer, ctx: AnalyzerContext): Promise<AnalyzerReport> {
  const base = { analyzer: analyzer.id, items: analyzer.items };
  let outcome: AnalyzerOutcome;
  try {
    outcome = await analyzer.analyze(ctx);
  } catch (e) {
    const where = e instanceof CoreError ? e.location : undefined;
    const message = e instanceof Error ? e.message : String(e);
    return {
      ...base,
      verdict: 'error',
      scope: 0,
      summary: `could not analyze: ${message}`,
      summaryZh: `無法分析：${message}`,
      findings: [
        {
          kind: 'input_error',
          severity: 'high',
          file: where?.file ?? null,
          line: where?.line ?? where?.row ?? null,
          rule: where?.field ?? null,
          detail: message,
          detailZh: message,
          clause: analyzer.items[0] ?? '',
          failing: false,
          blocking: [],
        },
      ],
    };
  }
  if (outcome.verdict === 'pass' && outcome.scope === 0) {
    return { ...base, ...outcome, verdict: 'error', summary: `nothing to judge: ${outcome.summary}`, summaryZh: `無資料可判斷：${outcome.summaryZh}` };
  }
  if (outcome.verdict === 'pass' && outcome.findings.some((f) => f.failing)) {
    return { ...base, ...outcome, verdict: 'fail' };
  }
  return { ...base, ...outcome };
}

/** The verdict that follows from findings: fail if any fails, error if records could not be judged, else pass. */
export function verdictOf(findings: readonly AnalyzerFinding[], undetermined: number): Verdict {
  if (findings.some((f) => f.failing)) return 'fail';
  if (undetermined > 0) return 'error';
  return 'pass';
}
