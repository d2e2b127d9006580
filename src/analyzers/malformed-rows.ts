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

/**
 * Malformed lines of a streamed log, in bounded memory: every one is counted, the first few per
 * file are kept to be shown.
 */
export class MalformedCounter {
  private readonly kept: Malformed[] = [];
  private readonly counts = new Map<string, number>();

  add(m: Malformed): void {
    const n = (this.counts.get(m.file) ?? 0) + 1;
    this.counts.set(m.file, n);
    if (n <= MALFORMED_SHOWN) this.kept.push(m);
  }

  get total(): number {
    let t = 0;
    for (const n of this.counts.values()) t += n;
    return t;
  }

  findings(clause: string): AnalyzerFinding[] {
    return malformedFindings(this.kept, clause).map((f) => {
      const n = this.counts.get(f.file!) ?? 0;
      const shown = Math.min(n, MALFORMED_SHOWN);
      if (n <= shown) return f;
      return {
        ...f,
        detail: f.detail.replace(/^\d+ unreadable/, `${n} unreadable`) + ` (+${n - shown} more)`,
        detailZh: f.detailZh.replace(/^\d+ 列/, `${n} 列`) + `（另 ${n - shown} 筆）`,
      };
    });
  }
}
