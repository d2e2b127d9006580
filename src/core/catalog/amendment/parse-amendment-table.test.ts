import { describe, expect, it } from 'vitest';
import { EMPTY_REFERENCE } from '../mechanism-reference.js';
import { importAmendmentTable } from './import-amendment.js';
import { parseAmendmentTable } from './parse-amendment-table.js';
import { errorOf } from '../../../../test/helpers/errors.js';

const HEADER = '修正條文\t現行條文\t說明';
const ROW =
  '<p>1、風險評鑑（CC-11000，年度查核）</p> <p>(1)應評估<u>RTO</u>。</p>\t<p>1、風險評鑑（CC-11000，年度查核）</p> <p>(1)應評估。</p>\t<p>參考資訊作業韌性自律規範修訂</p>';

const importText = (text: string) =>
  importAmendmentTable({
    text,
    fileName: 'x.txt',
    sha256: '0',
    reference: EMPTY_REFERENCE,
    amended: { id: 'new', effectiveDate: null },
    current: { id: 'old', effectiveDate: null },
  });

describe('amendment table: bad input is refused with file, line and column', () => {
  it('a file that is not a comparison table', () => {
    const e = errorOf(() => parseAmendmentTable('name,version\nios,15.1\n', 'inventory.csv'));
    expect(e.code).toBe('AMENDMENT_NOT_A_COMPARISON_TABLE');
    expect(e.location).toEqual({ file: 'inventory.csv', line: 1, field: 'header' });
  });

  it('a table cut off in the middle of a row', () => {
    const e = errorOf(() => parseAmendmentTable(`${HEADER}\n${ROW}\n${ROW.slice(0, 60)}`, 't.txt'));
    expect(e.code).toBe('AMENDMENT_TRUNCATED');
    expect(e.location).toMatchObject({ file: 't.txt', line: 3 });
  });

  it('a table cut off inside a cell', () => {
    const cut = ROW.slice(0, ROW.lastIndexOf('</p>'));
    const e = errorOf(() => parseAmendmentTable(`${HEADER}\n${cut}`, 't.txt'));
    expect(e.code).toBe('AMENDMENT_TRUNCATED');
    expect(e.location).toMatchObject({ line: 2, field: '說明 (rationale)' });
  });

  it('broken markup names the column', () => {
    const e = errorOf(() => parseAmendmentTable(`${HEADER}\n<p>1、<u>x</p>\t<p>1、x</p>\t<p>y</p>`, 't.txt'));
    expect(e.code).toBe('AMENDMENT_MALFORMED_MARKUP');
    expect(e.location).toMatchObject({ line: 2, field: '修正條文 (amended text)' });
    const tag = errorOf(() => parseAmendmentTable(`${HEADER}\n<p>1、<b>x</b></p>\t<p>1、x</p>\t<p>y</p>`, 't.txt'));
    expect(tag.message).toMatch(/unknown tag <b>/);
  });

  it('a header and no rows', () => {
    expect(errorOf(() => parseAmendmentTable(`${HEADER}\n\n`, 't.txt')).code).toBe('AMENDMENT_TRUNCATED');
  });

  it('a label before anything it could belong to', () => {
    const e = errorOf(() => importText(`${HEADER}\n<p>(a)孤兒</p>\t<p>(a)孤兒</p>\t<p>y</p>`));
    expect(e.code).toBe('AMENDMENT_ORPHAN_LABEL');
    expect(e.location).toMatchObject({ line: 2 });
  });

  it('an item printed twice', () => {
    const e = errorOf(() => importText(`${HEADER}\n<p>1、甲</p> <p>(1)乙</p> <p>(1)丙</p>\t<p>1、甲</p>\t<p>y</p>`));
    expect(e.code).toBe('AMENDMENT_DUPLICATE_PATH');
    expect(e.params.path).toBe('1/(1)');
  });
});

describe('amendment table: small well-formed input', () => {
  it('reads rows, paragraphs and underlines, skipping markdown separators', () => {
    const t = parseAmendmentTable(`標題\n\n${HEADER}\n${ROW}\n--\t---\t---\n\n${ROW}`, 't.txt');
    expect(t.title).toBe('標題');
    expect(t.rows).toHaveLength(2);
    expect(t.rows.map((r) => r.page)).toEqual([1, 2]);
    expect(t.rows[0]!.cells[0][1]).toEqual([
      { text: '(1)應評估', underline: false },
      { text: 'RTO', underline: true },
      { text: '。', underline: false },
    ]);
  });

  it('applies English readings, and refuses readings of items the table does not have', () => {
    const base = {
      text: `${HEADER}\n${ROW}`,
      fileName: 'x.txt',
      sha256: '0',
      reference: EMPTY_REFERENCE,
      amended: { id: 'new', effectiveDate: null },
      current: { id: 'old', effectiveDate: null },
    };
    const r = importAmendmentTable({ ...base, english: { source: 't', entries: { '1/(1)': { text: 'Assess the RTO.' } } } });
    expect(r.amended.nodes[1]!.textEn).toBe('Assess the RTO.');
    expect(r.current.nodes[1]!.textEn).toBeNull();
    const e = errorOf(() => importAmendmentTable({ ...base, english: { source: 't', entries: { '1/(9)': { text: 'x' } } } }));
    expect(e.code).toBe('AMENDMENT_CORRECTION_STALE');
  });

  it('turns the columns into two versions and a diff', () => {
    const r = importText(`${HEADER}\n${ROW}`);
    expect(r.amended.nodes.map((n) => n.path)).toEqual(['1', '1/(1)']);
    expect(r.diff.changes).toEqual([{ kind: 'modified', path: '1/(1)', oldPath: '1/(1)', code: 'CC-11000', fields: ['text'] }]);
    expect(r.amended.nodes[1]).toMatchObject({ amendedFragments: ['RTO'], strength: 'shall', frequency: 'annual' });
    expect(r.amended.nodes[1]!.rationale).toMatchObject({ text: '參考資訊作業韌性自律規範修訂', guideline: '資訊作業韌性自律規範', alignment: 'row' });
  });
});
