import { describe, expect, it } from 'vitest';
import { indexHeaders } from './table-headers.js';

const COLUMNS = [
  { key: 'path', names: ['項次', 'path'] },
  { key: 'completedOn', names: ['完成日', 'completed_on'] },
] as const;

describe('reading header rows', () => {
  it('finds bilingual, differently written and full-width headers; the first naming a column wins', () => {
    expect([...indexHeaders(['項次 / path', 'Completed On'], COLUMNS)]).toEqual([
      ['path', 0],
      ['completedOn', 1],
    ]);
    expect([...indexHeaders(['備註', 'ＰＡＴＨ', '完成日（completed-on）', '項次'], COLUMNS)]).toEqual([
      ['path', 1],
      ['completedOn', 2],
    ]);
    expect(indexHeaders(['a | 項次'], COLUMNS).get('path')).toBe(0);
    expect(indexHeaders(['pathway', 'completed'], COLUMNS).size).toBe(0); // a part must equal a name, not contain it
  });
});
