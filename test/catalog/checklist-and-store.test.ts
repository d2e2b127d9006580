import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findNode } from '../../src/core/catalog/catalog-version.js';
import { diffVersions, mapPath } from '../../src/core/catalog/diff-versions.js';
import { normalizePath } from '../../src/core/catalog/checklist/apply-checklist.js';
import { CoreError } from '../../src/core/errors.js';
import { decodeText } from '../../src/io/read-text-file.js';
import { importChecklistFile, offlineCatalogStore, type StoredVersion } from '../../src/services/catalog-service.js';
import { versionIn } from '../../src/services/firm-service.js';
import { serializeVersion } from '../../src/storage/catalog-store.js';
import { tempDir } from '../helpers/shared.js';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

// Without a database: the shipped versions (the store tests on a database are in catalog-db.test.ts).
const store = () => offlineCatalogStore(path.join(tmp.dir, 'home'));
let shipped: StoredVersion[];
beforeAll(async () => {
  shipped = await offlineCatalogStore('/nonexistent-ccheck-home').list();
});
const base = () => versionIn(shipped, '2023-08-23');

const CSV_HEADER = '項次 / path,控制代碼 / cc_code,標題 / title,條文 / text,英文條文 / text_en,查核頻率 / frequency';
const CSV_ROWS = [
  '"7/(1)/a/(a)",CC-17010,,公司應定期辦理網路系統安全評估。,,',
  '7(1)f,,,公司應安裝防毒軟體並定期更新病毒碼。,,每月',
  '2/(1),,資訊安全政策之訂定,公司應訂定資訊安全政策並經董事會通過。,,年度',
  '13/(1)/a,CC-22000,,其他應辦事項。,Other duties.,半年',
  '"7/(1)/a/(h)",,,公司應建立遠端連線管理辦法。,,',
];

async function expectCoreError(p: Promise<unknown>): Promise<CoreError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CoreError) return e;
    throw e;
  }
  throw new Error('expected a CoreError');
}

describe('firm checklist import (CSV / XLSX)', () => {
  it('fills elided items, adds missing ones, and keeps regulation text on conflict', async () => {
    const file = path.join(tmp.dir, 'checklist.csv');
    writeFileSync(file, `\uFEFF${[CSV_HEADER, ...CSV_ROWS].join('\r\n')}\r\n`);
    const r = await importChecklistFile(file, base(), { id: 'firm' });
    expect(r.filled).toEqual(['7/(1)/a/(a)', '7/(1)/f']);
    expect(r.added).toEqual(['2/(1)', '13/(1)/a']);
    expect(r.createdParents).toEqual(['13/(1)']); // point 13 is in the catalog as an elided placeholder
    expect(r.conflicts).toEqual([
      { path: '7/(1)/a/(h)', row: 6, field: 'text', catalog: findNode(base(), '7/(1)/a/(h)')!.text, checklist: '公司應建立遠端連線管理辦法。' },
    ]);
    const v = r.version;
    expect(findNode(v, '7/(1)/a/(a)')).toMatchObject({
      status: 'text',
      textSource: 'firm_checklist',
      text: '公司應定期辦理網路系統安全評估。',
      appliesTo: 'all_brokers',
      code: 'CC-17010',
    });
    expect(findNode(v, '7/(1)/f')).toMatchObject({ status: 'text', title: '電腦病毒及惡意軟體之防範', strength: 'shall' });
    expect(findNode(v, '2/(1)')).toMatchObject({ code: 'CC-12000', frequency: 'annual', title: '資訊安全政策之訂定' });
    expect(findNode(v, '13/(1)/a')).toMatchObject({ code: 'CC-22000', frequency: 'semiannual', frequencySource: 'firm_checklist', textEn: 'Other duties.' });
    expect(findNode(v, '7/(1)/a/(h)')!.text).toBe(findNode(base(), '7/(1)/a/(h)')!.text);
    expect(v.source).toMatchObject({ kind: 'firm_checklist', baseId: '2023-08-23', baseHash: base().hash });

    // A third version: the diff works between any two, and renumbering still maps from the oldest.
    const oldest = versionIn(shipped, 'before-2023-08-23');
    const d = diffVersions(oldest, v);
    expect(mapPath(d, '7/(1)/e')).toBe('7/(1)/f');
    expect(d.changes.filter((c) => c.kind === 'added').map((c) => c.path)).toEqual(expect.arrayContaining(['2/(1)', '13/(1)', '13/(1)/a', '7/(1)/d']));
    const fromBase = diffVersions(base(), v);
    expect(fromBase.changes.map((c) => `${c.kind}:${c.path}`)).toEqual(['added:2/(1)', 'added:13/(1)', 'added:13/(1)/a']);
    expect(diffVersions(v, v).changes).toEqual([]);
  });

  it('fills the text of points 13 and 14 and adds their items, which inherit code, cadence and scope', async () => {
    const file = path.join(tmp.dir, 'points-13-14.csv');
    const rows = [
      '13,,其他,公司應辦理其他資通安全應辦事項。,,',
      '14/(1),,主機共置設備管理,公司應管理主機共置之設備。,,半年',
      '14/(2),,,公司應每月檢視主機共置連線紀錄。,,',
    ];
    writeFileSync(file, `${[CSV_HEADER, ...rows].join('\n')}\n`);
    const r = await importChecklistFile(file, base(), { id: 'firm-colo' });
    expect(r.filled).toEqual(['13']);
    expect(r.added).toEqual(['14/(1)', '14/(2)']);
    expect(r.createdParents).toEqual([]); // point 14 is already in the catalog
    const v = r.version;
    expect(findNode(v, '13')).toMatchObject({ status: 'text', textSource: 'firm_checklist', title: '其他', code: 'CC-22000', frequency: 'semiannual' });
    expect(findNode(v, '14/(1)')).toMatchObject({ code: 'CC-23000', codeSource: 'inherited', appliesTo: 'colocation_users', frequency: 'semiannual' });
    expect(findNode(v, '14/(1)')!.frequencySource).toBe('firm_checklist');
    expect(findNode(v, '14/(2)')).toMatchObject({ appliesTo: 'colocation_users', frequency: 'monthly', frequencySource: 'inherited' });
    expect(findNode(v, '14')!.status).toBe('elided'); // the point's own text was not given
  });

  it('reads a Big5 CSV and an XLSX the same way', async () => {
    const big5 = path.join(tmp.dir, 'big5.csv');
    writeFileSync(big5, iconv.encode([CSV_HEADER, ...CSV_ROWS].join('\r\n'), 'big5'));
    expect(decodeText(readFileSync(big5), big5).encoding).toBe('big5');
    const fromBig5 = await importChecklistFile(big5, base(), { id: 'firm' });

    const xlsx = path.join(tmp.dir, 'list.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('清單');
    ws.addRow(['path', 'cc_code', 'title', 'text', 'text_en', 'frequency']); // English headers work too
    for (const line of CSV_ROWS) ws.addRow(line.split(',').map((c) => c.replace(/^"|"$/g, '')));
    await wb.xlsx.writeFile(xlsx);
    const fromXlsx = await importChecklistFile(xlsx, base(), { id: 'firm' });
    expect(fromXlsx.version.nodes).toEqual(fromBig5.version.nodes);
  });

  it('names file, row and column of every bad input', async () => {
    const write = (name: string, lines: string[]) => {
      const f = path.join(tmp.dir, name);
      writeFileSync(f, lines.join('\n'));
      return f;
    };
    const missing = await expectCoreError(importChecklistFile(write('a.csv', ['項次,標題', '7/(1)/a,x']), base(), { id: 'x' }));
    expect(missing.code).toBe('CHECKLIST_MISSING_COLUMN');
    expect(missing.location).toMatchObject({ row: 1, field: '條文 / text' });
    expect(missing.location?.file).toMatch(/a\.csv$/);

    const badPath = await expectCoreError(importChecklistFile(write('b.csv', [CSV_HEADER, '7/(1)/a,,,x,,', 'seven,,,y,,']), base(), { id: 'x' }));
    expect(badPath).toMatchObject({ code: 'CHECKLIST_INVALID_VALUE', location: { row: 3, field: '項次 / path' } });

    const badFreq = await expectCoreError(importChecklistFile(write('c.csv', [CSV_HEADER, '7/(1)/a,,,x,,每週']), base(), { id: 'x' }));
    expect(badFreq).toMatchObject({ code: 'CHECKLIST_INVALID_VALUE', location: { row: 2, field: '查核頻率 / frequency' } });

    const dup = await expectCoreError(importChecklistFile(write('d.csv', [CSV_HEADER, '7/(1)/a,,,x,,', '7(1)a,,,y,,']), base(), { id: 'x' }));
    expect(dup).toMatchObject({ code: 'CHECKLIST_DUPLICATE_PATH', location: { row: 3 } });

    expect((await expectCoreError(importChecklistFile(write('e.csv', [CSV_HEADER]), base(), { id: 'x' }))).code).toBe('CHECKLIST_EMPTY');

    const notXlsx = write('f.xlsx', ['this is not a zip']);
    expect((await expectCoreError(importChecklistFile(notXlsx, base(), { id: 'x' }))).code).toBe('INPUT_UNSUPPORTED_FORMAT');

    const binary = path.join(tmp.dir, 'g.csv');
    writeFileSync(binary, Buffer.from([0x80, 0x00, 0xff, 0xfe, 0x01, 0x02, 0x81]));
    expect((await expectCoreError(importChecklistFile(binary, base(), { id: 'x' }))).code).toBe('INPUT_UNKNOWN_ENCODING');
  });

  it('accepts item paths the way people type them', () => {
    expect(normalizePath('7/(1)/d/(a)')).toBe('7/(1)/d/(a)');
    expect(normalizePath('7(1)d(a)')).toBe('7/(1)/d/(a)');
    expect(normalizePath('7.(1).d.(a)')).toBe('7/(1)/d/(a)');
    expect(normalizePath('７（１）ｄ')).toBe('7/(1)/d');
    expect(normalizePath('12')).toBe('12');
    expect(normalizePath('7/d')).toBeNull();
    expect(normalizePath('x')).toBeNull();
  });
});

describe('catalog store without a database', () => {
  it('lists the shipped versions and finds them by id or hash prefix', async () => {
    const s = store();
    expect((await s.list()).map((v) => [v.version.id, v.origin])).toEqual([
      ['before-2023-08-23', 'builtin'],
      ['2023-08-23', 'builtin'],
    ]);
    const v = (await s.get('2023-08-23')).version;
    expect((await s.get(v.hash.slice(7, 19))).version.id).toBe('2023-08-23');
    expect((await s.get(v.hash)).version.id).toBe('2023-08-23');
    expect((await expectCoreError(s.get('2099-01-01'))).code).toBe('CATALOG_VERSION_NOT_FOUND');
  });

  it('refuses to import: imports are kept in the database, and nothing is written to disk', async () => {
    const file = path.join(tmp.dir, 'c.csv');
    writeFileSync(file, [CSV_HEADER, ...CSV_ROWS].join('\n'));
    const a = (await importChecklistFile(file, base(), { id: 'firm-a' })).version;
    expect((await expectCoreError(store().save([a], 'alice'))).code).toBe('STORE_NOT_INITIALISED');
    expect(existsSync(path.join(tmp.dir, 'home', 'catalog'))).toBe(false);
  });

  it('lists an earlier ccheck’s on-disk imports, and reports one edited behind its back', async () => {
    const file = path.join(tmp.dir, 'c.csv');
    writeFileSync(file, [CSV_HEADER, ...CSV_ROWS].join('\n'));
    const dir = path.join(tmp.dir, 'home', 'catalog');
    mkdirSync(dir, { recursive: true });
    const f = path.join(dir, 'firm.json');
    writeFileSync(f, serializeVersion((await importChecklistFile(file, base(), { id: 'firm' })).version));
    expect((await store().get('firm')).origin).toBe('user');
    writeFileSync(f, readFileSync(f, 'utf8').replace('公司應定期辦理網路系統安全評估。', '公司得視需要辦理。'));
    expect((await expectCoreError(store().get('firm'))).code).toBe('CATALOG_VERSION_CORRUPT');
  });
});
