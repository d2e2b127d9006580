import { CoreError } from '../../errors.js';
import type { NodeLevel } from '../catalog-node.js';
import { COLUMN_NAMES, type AmendmentTable, type ColumnIndex } from './parse-amendment-table.js';

/** A node as found in one column, before its content is interpreted. */
export interface RawNode {
  readonly path: string;
  readonly level: NodeLevel;
  readonly label: string;
  readonly parentPath: string | null;
  /** The node's own words (everything up to the next label), whitespace-normalised. */
  readonly content: string;
  /** Underlined fragments of `content`, each whitespace-normalised. */
  readonly underlined: readonly string[];
  /** The node came from a range such as `(a)~(g)略`: the source prints nothing of it. */
  readonly fromRange: boolean;
  /** Source line and row index of the label, to align rationales and to name lines in errors. */
  readonly line: number;
  readonly rowIndex: number;
}

export interface ColumnReading {
  readonly nodes: readonly RawNode[];
  /** Path of the last node before (以下略), when the column ends with it. */
  readonly truncatedAfter: string | null;
}

/**
 * The column as one string (paragraphs joined by "\n"), with, for every UTF-16 unit, whether it
 * is underlined and which row it came from. Columns are read as continuous streams because the
 * three columns of the source do not line up row by row (page breaks split items mid-sentence).
 */
interface ColumnStream {
  readonly text: string;
  readonly underline: readonly boolean[];
  readonly rowOf: readonly number[];
}

function buildStream(table: AmendmentTable, column: ColumnIndex): ColumnStream {
  let text = '';
  const underline: boolean[] = [];
  const rowOf: number[] = [];
  table.rows.forEach((row, rowIndex) => {
    for (const paragraph of row.cells[column]) {
      for (const run of paragraph) {
        // A tab or newline inside a cell is layout, not content.
        const t = run.text.replace(/[\t\r\n]/g, ' ');
        text += t;
        for (let k = 0; k < t.length; k++) {
          underline.push(run.underline);
          rowOf.push(rowIndex);
        }
      }
      text += '\n';
      underline.push(false);
      rowOf.push(rowIndex);
    }
  });
  return { text, underline, rowOf };
}

const CJK = '\\u3000-\\u303f\\u4e00-\\u9fff\\uff00-\\uffef';
const BETWEEN_CJK = new RegExp(`([${CJK}])\\s+(?=[${CJK}])`, 'g');

/**
 * PDF extraction breaks lines inside sentences and pads labels with spaces; Chinese has no
 * spaces between words, so whitespace between two CJK characters is an artefact and goes.
 */
export function normalizeText(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(BETWEEN_CJK, '$1')
    .replace(/\s+(?=[，。、；：）」】,])/g, '')
    .replace(/([（「【])\s+/g, '$1')
    .trim();
}

type Token =
  | { kind: 'label'; level: NodeLevel; labels: string[]; length: number }
  | { kind: 'placeholder'; length: number } // (新增): the item did not exist in this column's version
  | { kind: 'rest_elided'; length: number }; // (以下略): the rest of the text is omitted

const letters = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) out.push(String.fromCharCode(c));
  return out;
};
const numbers = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let n = Number(from); n <= Number(to); n++) out.push(String(n));
  return out;
};

const OPEN = '[（(]';
const CLOSE = '[）)]';
const TILDE = '\\s*[~～]\\s*';
// Order matters: ranges before single labels, placeholders before sub-sections.
const PATTERNS: { re: RegExp; paragraphStartOnly: boolean; make: (m: RegExpExecArray) => Token }[] = [
  { re: /[（(]以下略[）)]/y, paragraphStartOnly: false, make: (m) => ({ kind: 'rest_elided', length: m[0].length }) },
  { re: /[（(]新增[）)]/y, paragraphStartOnly: false, make: (m) => ({ kind: 'placeholder', length: m[0].length }) },
  {
    re: /(\d{1,2})\s*[~～]\s*(\d{1,2})\s*[、.．]?/y,
    paragraphStartOnly: true,
    make: (m) => ({ kind: 'label', level: 'point', labels: numbers(m[1]!, m[2]!), length: m[0].length }),
  },
  {
    re: /(\d{1,2})\s*[、.．](?!\d)/y,
    paragraphStartOnly: true,
    make: (m) => ({ kind: 'label', level: 'point', labels: [m[1]!], length: m[0].length }),
  },
  {
    re: new RegExp(`${OPEN}(\\d{1,2})${CLOSE}${TILDE}${OPEN}(\\d{1,2})${CLOSE}`, 'y'),
    paragraphStartOnly: false,
    make: (m) => ({ kind: 'label', level: 'subsection', labels: numbers(m[1]!, m[2]!).map((n) => `(${n})`), length: m[0].length }),
  },
  {
    re: new RegExp(`${OPEN}(\\d{1,2})${CLOSE}`, 'y'),
    paragraphStartOnly: false,
    make: (m) => ({ kind: 'label', level: 'subsection', labels: [`(${m[1]!})`], length: m[0].length }),
  },
  {
    re: new RegExp(`\\(([a-z])\\)${TILDE}\\(([a-z])\\)`, 'y'),
    paragraphStartOnly: false,
    make: (m) => ({ kind: 'label', level: 'subitem', labels: letters(m[1]!, m[2]!).map((l) => `(${l})`), length: m[0].length }),
  },
  {
    re: /\(([a-z])\)/y,
    paragraphStartOnly: false,
    make: (m) => ({ kind: 'label', level: 'subitem', labels: [`(${m[1]!})`], length: m[0].length }),
  },
  {
    re: /([a-z])\s*[.．]?\s*[~～]\s*([a-z])\s*[.．]?/y,
    paragraphStartOnly: false,
    make: (m) => ({ kind: 'label', level: 'item', labels: letters(m[1]!, m[2]!), length: m[0].length }),
  },
  {
    // "a." or, as printed once in the seed, "c 網路傳輸…" without the dot.
    re: new RegExp(`([a-z])(?:\\s*[.．]|\\s+(?=[${CJK}]))`, 'y'),
    paragraphStartOnly: false,
    make: (m) => ({ kind: 'label', level: 'item', labels: [m[1]!], length: m[0].length }),
  },
];

function tokenAt(text: string, pos: number): Token | null {
  const prev = pos === 0 ? '\n' : text[pos - 1]!;
  const paragraphStart = prev === '\n';
  // A label starts a paragraph or follows a space: "a.略 b.電腦作業…", "(a)~(e)略 (f) 資通…".
  if (!paragraphStart && !/\s/.test(prev)) return null;
  for (const p of PATTERNS) {
    if (p.paragraphStartOnly && !paragraphStart) continue;
    p.re.lastIndex = pos;
    const m = p.re.exec(text);
    if (m) return p.make(m);
  }
  return null;
}

const PARENT_LEVEL: Record<NodeLevel, NodeLevel | null> = { point: null, subsection: 'point', item: 'subsection', subitem: 'item' };

/**
 * Reads one column of the table as a document of its own version: labels found in the stream
 * open nodes; text up to the next label is the node's content; ranges such as `(a)~(g)略` open
 * elided placeholders; `(新增)` in the current column marks an item that did not exist yet.
 */
export function readColumn(table: AmendmentTable, column: ColumnIndex, fileName: string): ColumnReading {
  const stream = buildStream(table, column);
  const { text } = stream;
  type Open = { path: string; level: NodeLevel; label: string; parentPath: string | null; start: number; end: number; fromRange: boolean; rowIndex: number };
  const found: Open[] = [];
  const current: Partial<Record<NodeLevel, string>> = {};
  const seen = new Set<string>();
  let truncatedAfter: string | null = null;
  let ignoreFrom: number | null = null;

  const closeLast = (at: number) => {
    const last = found[found.length - 1];
    if (last && last.end < 0) last.end = at;
  };

  let pos = 0;
  while (pos < text.length && truncatedAfter === null) {
    const token = tokenAt(text, pos);
    if (!token) {
      pos++;
      continue;
    }
    closeLast(pos);
    if (token.kind === 'rest_elided') {
      truncatedAfter = found[found.length - 1]?.path ?? null;
      ignoreFrom = pos;
      break;
    }
    if (token.kind === 'placeholder') {
      pos += token.length;
      continue;
    }
    const rowIndex = stream.rowOf[pos] ?? 0;
    const line = table.rows[rowIndex]?.line ?? 0;
    const parentLevel = PARENT_LEVEL[token.level];
    // Items hang under the open sub-section, or directly under the point where it has none.
    const parentPath = token.level === 'item' ? (current.subsection ?? current.point ?? null) : parentLevel ? (current[parentLevel] ?? null) : null;
    if (parentLevel && !parentPath) {
      throw new CoreError(
        'AMENDMENT_ORPHAN_LABEL',
        `${fileName}: line ${line}, column ${COLUMN_NAMES[column]}: label "${token.labels[0]}" appears before any ${parentLevel} it could belong to`,
        { label: token.labels[0] ?? '' },
        { file: fileName, line, field: COLUMN_NAMES[column] },
      );
    }
    const fromRange = token.labels.length > 1;
    for (const label of token.labels) {
      const path = parentPath ? `${parentPath}/${label}` : label;
      if (seen.has(path)) {
        throw new CoreError(
          'AMENDMENT_DUPLICATE_PATH',
          `${fileName}: line ${line}, column ${COLUMN_NAMES[column]}: item ${path} appears twice`,
          { path },
          { file: fileName, line, field: COLUMN_NAMES[column] },
        );
      }
      seen.add(path);
      found.push({ path, level: token.level, label, parentPath, start: pos + token.length, end: fromRange ? pos + token.length : -1, fromRange, rowIndex });
      current[token.level] = path;
    }
    // A new label closes the deeper levels: after "(2)", an "a." belongs to (2), not to (1).
    const depth = ['point', 'subsection', 'item', 'subitem'].indexOf(token.level);
    for (const deeper of (['point', 'subsection', 'item', 'subitem'] as const).slice(depth + 1)) delete current[deeper];
    pos += token.length;
  }
  closeLast(ignoreFrom ?? text.length);

  const nodes: RawNode[] = found.map((f) => {
    // Range placeholders have no words of their own; the 略 after them is the range's.
    const slice = f.fromRange ? '略' : text.slice(f.start, f.end);
    const underlined: string[] = [];
    if (!f.fromRange) {
      let frag = '';
      let gap = '';
      for (let k = f.start; k < f.end; k++) {
        const ch = text[k]!;
        if (stream.underline[k]) {
          frag += gap + ch;
          gap = '';
        } else if (frag !== '' && /\s/.test(ch)) {
          gap += ch; // fragments split only by layout whitespace are one amendment
        } else if (frag !== '') {
          underlined.push(normalizeText(frag));
          frag = '';
          gap = '';
        }
      }
      if (frag !== '') underlined.push(normalizeText(frag));
    }
    return {
      path: f.path,
      level: f.level,
      label: f.label,
      parentPath: f.parentPath,
      content: normalizeText(slice),
      underlined: underlined.filter((u) => u !== ''),
      fromRange: f.fromRange,
      line: table.rows[f.rowIndex]?.line ?? 0,
      rowIndex: f.rowIndex,
    };
  });
  return { nodes, truncatedAfter };
}
