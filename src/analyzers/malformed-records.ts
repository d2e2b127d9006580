import type { AnalyzerFinding } from '../core/analysis/analyzer.js';

interface Bad {
  readonly at: number;
  readonly en: string;
  readonly zh: string;
}

/** How many malformed rows or lines a finding names; the rest are counted. */
const SHOWN = 5;

/**
 * Rows or lines of one file that could not be read. They are never fatal for the file and never
 * dropped in silence: the analyzer judges the rest and reports these as one finding with the
 * count and the first few places, so the examiner sees what was not judged.
 */
export class MalformedRecords {
  private readonly bad: Bad[] = [];

  /** The last row of a file that does not end in a newline: if it is malformed, the file was probably cut short. */
  lastUnterminated: number | null = null;

  constructor(
    readonly file: string,
    private readonly unit: 'row' | 'line',
  ) {}

  add(at: number, en: string, zh: string): void {
    const cut = at === this.lastUnterminated;
    this.bad.push({ at, en: cut ? `${en} (the file ends here: truncated?)` : en, zh: cut ? `${zh}（檔案在此結束：可能不完整）` : zh });
  }

  get count(): number {
    return this.bad.length;
  }

  /** One finding for the file (none when every record was read); not failing: these records are undetermined. */
  finding(clause: string): AnalyzerFinding | null {
    if (this.bad.length === 0) return null;
    const unitZh = this.unit === 'row' ? '列' : '行';
    const shown = this.bad.slice(0, SHOWN);
    const more = this.bad.length - shown.length;
    return {
      kind: 'malformed_records',
      severity: 'medium',
      failing: false,
      clause,
      file: this.file,
      line: shown[0]!.at,
      rule: null,
      blocking: shown.slice(1).map((b) => ({ file: this.file, line: b.at, rule: null })),
      detail:
        `${this.file}: ${this.bad.length} malformed ${this.unit}${this.bad.length === 1 ? '' : 's'} not judged: ` +
        shown.map((b) => `${this.unit} ${b.at}: ${b.en}`).join('; ') +
        (more > 0 ? `; and ${more} more` : ''),
      detailZh:
        `${this.file}：${this.bad.length} ${unitZh}格式錯誤，未納入判斷：` +
        shown.map((b) => `第 ${b.at} ${unitZh}：${b.zh}`).join('；') +
        (more > 0 ? `；另有 ${more} ${unitZh}` : ''),
    };
  }
}

/** A file that cannot be decoded: named, so the examiner knows what was not judged. */
export function unreadable(file: string, message: string, clause: string): AnalyzerFinding {
  return {
    kind: 'unreadable_file',
    severity: 'medium',
    failing: false,
    clause,
    file,
    line: null,
    rule: null,
    blocking: [],
    detail: `${file}: cannot be read, so it was not judged: ${message}`,
    detailZh: `${file}：無法讀取，未納入判斷（編碼非 UTF-8 亦非 Big5，請另存為 UTF-8）：${message}`,
  };
}
