import type { AnalyzerFinding } from '../core/analysis/analyzer.js';

/** A row or line that could not be read; reported with its number, the rest of the file is still judged. */
export interface Malformed {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  readonly reasonZh: string;
}

/** How many line numbers a malformed-input finding shows; the count covers them all. */
const MALFORMED_SHOWN = 5;

/** Counts unreadable rows per file and shows the first few line numbers: never silently dropped, never fatal. */
export function malformedFindings(malformed: readonly Malformed[], clause: string): AnalyzerFinding[] {
  const byFile = new Map<string, Malformed[]>();
  for (const m of malformed) byFile.set(m.file, [...(byFile.get(m.file) ?? []), m]);
  return [...byFile.entries()].map(([file, ms]) => {
    const shown = ms.slice(0, MALFORMED_SHOWN);
    const more = ms.length > shown.length ? ` (+${ms.length - shown.length} more)` : '';
    const moreZh = ms.length > shown.length ? `（另 ${ms.length - shown.length} 筆）` : '';
    return {
      kind: 'malformed_input',
      severity: 'medium',
      failing: false,
      clause,
      file,
      line: shown[0]!.line,
      rule: null,
      blocking: shown.slice(1).map((m) => ({ file, line: m.line, rule: null })),
      detail: `${ms.length} unreadable rows/lines, not judged: ${shown.map((m) => `line ${m.line}: ${m.reason}`).join('; ')}${more}`,
      detailZh: `${ms.length} 列無法判讀，未納入判斷：${shown.map((m) => `第 ${m.line} 列：${m.reasonZh}`).join('；')}${moreZh}`,
    };
  });
}
