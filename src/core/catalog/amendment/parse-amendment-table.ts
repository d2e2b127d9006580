import { CoreError } from '../../errors.js';

/** A run of text inside one `<p>`; `underline` marks the amended words (`<u>…</u>`). */
export interface TextRun {
  readonly text: string;
  readonly underline: boolean;
}

export type Paragraph = readonly TextRun[];

export const COLUMN_NAMES = ['修正條文', '現行條文', '說明'] as const;
export const COLUMN_NAMES_EN = ['amended text', 'current text', 'rationale'] as const;
export type ColumnIndex = 0 | 1 | 2;

export interface TableRow {
  /** 1-based line of the source file. */
  readonly line: number;
  /** Pages of the source PDF come through as blank-line separated groups of rows. */
  readonly page: number;
  readonly cells: readonly [readonly Paragraph[], readonly Paragraph[], readonly Paragraph[]];
}

export interface AmendmentTable {
  readonly title: string | null;
  readonly headerLine: number;
  readonly rows: readonly TableRow[];
}

const SEPARATOR_ROW = /^[\s|:-]+$/;
const TAG = /<\/?([a-zA-Z]+)\s*\/?>/y;

function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

function isHeader(cells: string[]): boolean {
  return cells.length === 3 && cells.every((c, i) => compact(c) === COLUMN_NAMES[i]);
}

/**
 * Reads the three cells of one row. The seed is text extracted from the published PDF: each
 * cell is a sequence of `<p>` paragraphs (sometimes bare text such as `(新增)`), and `<u>` marks
 * the amended words. Anything else is an error, so that a damaged file is never half-read.
 */
function parseCell(raw: string, fileName: string, line: number, column: ColumnIndex): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let runs: TextRun[] | null = null; // inside <p>
  let loose: TextRun[] = []; // text outside any <p>
  let underline = false;
  const field = `${COLUMN_NAMES[column]} (${COLUMN_NAMES_EN[column]})`;
  const fail = (code: 'AMENDMENT_MALFORMED_MARKUP' | 'AMENDMENT_TRUNCATED', what: string): never => {
    throw new CoreError(code, `${fileName}: line ${line}, column ${field}: ${what}`, { what }, { file: fileName, line, field });
  };
  const pushText = (text: string) => {
    if (text === '') return;
    const target = runs ?? loose;
    target.push({ text, underline });
  };
  const flushLoose = () => {
    if (loose.some((r) => r.text.trim() !== '')) paragraphs.push(loose);
    loose = [];
  };

  let i = 0;
  while (i < raw.length) {
    const lt = raw.indexOf('<', i);
    if (lt < 0) {
      pushText(raw.slice(i));
      break;
    }
    pushText(raw.slice(i, lt));
    TAG.lastIndex = lt;
    const m = TAG.exec(raw);
    if (!m) fail('AMENDMENT_MALFORMED_MARKUP', `unexpected "<" at character ${lt + 1}`);
    const tag = m![1]!.toLowerCase();
    const closing = m![0].startsWith('</');
    i = TAG.lastIndex;
    if (tag === 'p') {
      if (!closing) {
        if (runs) fail('AMENDMENT_MALFORMED_MARKUP', '<p> opened inside another <p>');
        flushLoose();
        runs = [];
      } else {
        if (!runs) fail('AMENDMENT_MALFORMED_MARKUP', '</p> without <p>');
        if (underline) fail('AMENDMENT_MALFORMED_MARKUP', '</p> while <u> is still open');
        paragraphs.push(runs!);
        runs = null;
      }
    } else if (tag === 'u') {
      if (closing !== underline) fail('AMENDMENT_MALFORMED_MARKUP', closing ? '</u> without <u>' : '<u> inside <u>');
      underline = !closing;
    } else if (tag === 'br') {
      pushText(' ');
    } else {
      fail('AMENDMENT_MALFORMED_MARKUP', `unknown tag <${m![0].replace(/[<>/]/g, '')}>`);
    }
  }
  if (runs || underline) fail('AMENDMENT_TRUNCATED', `the cell ends inside ${underline ? '<u>' : '<p>'}: the file seems cut off`);
  flushLoose();
  return paragraphs;
}

/**
 * Parses an amendment comparison table (修正條文 / 現行條文 / 說明), one row per line with
 * tab-separated cells, pages separated by blank lines, as text extracted from the published PDF.
 */
export function parseAmendmentTable(text: string, fileName: string): AmendmentTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let headerLine = -1;
  let title: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    if (isHeader(line.split('\t'))) {
      headerLine = i;
      break;
    }
    title ??= line.trim();
  }
  if (headerLine < 0) {
    throw new CoreError(
      'AMENDMENT_NOT_A_COMPARISON_TABLE',
      `${fileName}: no header row with the three columns 修正條文 / 現行條文 / 說明 (separated by tabs): this is not an amendment comparison table`,
      {},
      { file: fileName, line: 1, field: 'header' },
    );
  }

  const rows: TableRow[] = [];
  let page = 1;
  let lastWasBlank = false;
  let lastContentLine = headerLine;
  for (let i = headerLine + 1; i < lines.length; i++) if ((lines[i] as string).trim() !== '') lastContentLine = i;

  for (let i = headerLine + 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const lineNo = i + 1;
    if (line.trim() === '') {
      if (!lastWasBlank && rows.length > 0) page++;
      lastWasBlank = true;
      continue;
    }
    lastWasBlank = false;
    if (SEPARATOR_ROW.test(line)) continue;
    const cells = line.split('\t');
    if (cells.length !== 3) {
      const missing = COLUMN_NAMES[Math.min(cells.length, 2) as ColumnIndex];
      const code = cells.length < 3 && i === lastContentLine ? 'AMENDMENT_TRUNCATED' : 'AMENDMENT_MALFORMED_MARKUP';
      throw new CoreError(
        code,
        `${fileName}: line ${lineNo}: expected 3 tab-separated cells (修正條文 / 現行條文 / 說明), found ${cells.length}` +
          (code === 'AMENDMENT_TRUNCATED' ? '; the file seems cut off' : ''),
        { found: cells.length },
        { file: fileName, line: lineNo, field: cells.length < 3 ? missing : '說明' },
      );
    }
    rows.push({
      line: lineNo,
      page,
      cells: [
        parseCell(cells[0] as string, fileName, lineNo, 0),
        parseCell(cells[1] as string, fileName, lineNo, 1),
        parseCell(cells[2] as string, fileName, lineNo, 2),
      ],
    });
  }
  if (rows.length === 0) {
    throw new CoreError('AMENDMENT_TRUNCATED', `${fileName}: the table has a header but no rows`, {}, { file: fileName, line: headerLine + 1 });
  }
  return { title, headerLine: headerLine + 1, rows };
}
