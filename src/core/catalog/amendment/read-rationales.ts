import type { AmendmentTable } from './parse-amendment-table.js';

/** One rationale as printed in the 說明 column, with 同上 resolved. */
export interface RationaleUnit {
  /** As printed, with line-wrap artefacts joined ("參考資訊作業韌 性參考指引修訂" → one unit). */
  readonly printed: string;
  /** The text it stands for: 同上 ("same as above") is replaced by the unit it repeats. */
  readonly text: string;
  readonly repeatsAbove: boolean;
  readonly guideline: string | null;
  /** Row where the unit starts. */
  readonly rowIndex: number;
  readonly line: number;
}

export interface RationaleReading {
  /** The legal basis that covers the whole amendment (…函同意辦理，爰修訂左列條文). */
  readonly basis: string | null;
  readonly units: readonly RationaleUnit[];
}

// A rationale begins with one of these; any other piece continues the one before it, because
// the PDF wraps 說明 cells mid-word and across pages ("參考資通系統安全防護基準自律" | "規範修訂").
const UNIT_START = /^(參考|依據|同上|項次調整|配合|強化)/;
const GUIDELINE = /參考(.+?(?:自律規範|參考指引|規範))/;

export function guidelineOf(text: string): string | null {
  return GUIDELINE.exec(text)?.[1] ?? null;
}

export function readRationales(table: AmendmentTable): RationaleReading {
  const pieces: { text: string; rowIndex: number }[] = [];
  table.rows.forEach((row, rowIndex) => {
    for (const paragraph of row.cells[2]) {
      const words = paragraph
        .map((r) => r.text)
        .join('')
        .split(/\s+/)
        .filter((w) => w !== '');
      for (const w of words) pieces.push({ text: w, rowIndex });
    }
  });

  const raw: { printed: string; rowIndex: number }[] = [];
  for (const p of pieces) {
    const last = raw[raw.length - 1];
    if (last && !UNIT_START.test(p.text)) last.printed += p.text;
    else raw.push({ printed: p.text, rowIndex: p.rowIndex });
  }

  let basis: string | null = null;
  const units: RationaleUnit[] = [];
  for (const r of raw) {
    if (/爰修訂左列條文/.test(r.printed)) {
      basis = r.printed.replace(/，?爰修訂左列條文。?$/, '');
      continue;
    }
    const repeatsAbove = r.printed === '同上';
    const above = units[units.length - 1];
    const text = repeatsAbove ? (above?.text ?? '同上') : r.printed;
    units.push({
      printed: r.printed,
      text,
      repeatsAbove,
      guideline: guidelineOf(text),
      rowIndex: r.rowIndex,
      line: table.rows[r.rowIndex]?.line ?? 0,
    });
  }
  return { basis, units };
}
