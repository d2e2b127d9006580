import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importAmendmentTable } from '../../src/core/catalog/amendment/import-amendment.js';
import { applyChecklist, readChecklistRows } from '../../src/core/catalog/checklist/apply-checklist.js';
import type { CatalogVersion } from '../../src/core/catalog/catalog-version.js';
import { EMPTY_REFERENCE } from '../../src/core/catalog/mechanism-reference.js';
import { parseAnyDate } from '../../src/core/dates.js';
import { builtinVersionsDir } from '../../src/io/catalog-data.js';
import { parseTableBytes } from '../../src/io/read-table-file.js';
import { readXlsxFirstRow } from '../../src/io/xlsx-archive.js';
import { CatalogStore } from '../../src/storage/catalog-store.js';
import { fixture, fuzz, fuzzAsync, FUZZ_PARAMS, FUZZ_TIMEOUT, HOSTILE_TOKENS, showTally, textInputs } from './fuzz-helpers.js';

const CHECKLIST_TOKENS = [
  '項次 / path',
  '條文 / text',
  '7/(1)/b/(h)',
  '7/(1)/b',
  '99/(99)',
  '1/(1)/a/(a)/x',
  '年度',
  '每月',
  'monthly',
  'CC-17010',
  'CC-1',
  '略',
  '以下略',
  '"a,b"',
  '""',
];

let dir: string;
let base: CatalogVersion;
let small: CatalogVersion;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ccheck-fuzz-tables-'));
  base = (await new CatalogStore(builtinVersionsDir(), null, path.join(dir, 'catalog')).get('2023-08-23')).version;
  // A two-item version: applying a checklist re-hashes the whole version, so most inputs use this one.
  small = amendment(fixture('amendment.txt'), 'small').amended;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const amendment = (text: string, id: string) =>
  importAmendmentTable({
    text,
    fileName: 'amendment.txt',
    sha256: '0',
    reference: EMPTY_REFERENCE,
    amended: { id, effectiveDate: null },
    current: { id: `${id}-old`, effectiveDate: null },
  });

describe('fuzzing the table readers and importers: a result or a coded error, never a raw exception', () => {
  it(
    'CSV tables (UTF-8, Big5 and raw bytes), then the firm checklist importer on what they hold',
    async () => {
      const bytes = fc.oneof(
        { weight: 6, arbitrary: textInputs([fixture('checklist.csv')], CHECKLIST_TOKENS).map((t) => Buffer.from(t, 'utf8')) },
        { weight: 2, arbitrary: textInputs([fixture('checklist.csv')], CHECKLIST_TOKENS).map((t) => iconv.encode(t, 'big5')) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)) },
      );
      const tally = await fuzzAsync(fc.tuple(bytes, fc.nat({ max: 49 })), async ([b, pick]) => {
        const table = await parseTableBytes(b, 'checklist.csv');
        // One input in fifty against the real 2023 version (its paths are the seed's).
        applyChecklist(pick === 0 ? base : small, readChecklistRows(table), { id: 'firm', fileName: 'checklist.csv', sha256: table.sha256 }, EMPTY_REFERENCE);
      });
      expect(tally.ok, showTally(tally)).toBeGreaterThan(FUZZ_PARAMS.numRuns / 100);
    },
    FUZZ_TIMEOUT,
  );

  it(
    'amendment comparison tables (修正條文 / 現行條文 / 說明)',
    async () => {
      const tokens = [
        '<p>',
        '</p>',
        '<u>',
        '</u>',
        '\t',
        '（一）',
        '(1)',
        '1、',
        'a.',
        '(a)',
        '（CC-11000，年度查核）',
        '同上',
        '以下略',
        '修正條文',
        '現行條文',
        '說明',
      ];
      const tally = await fuzz(textInputs([fixture('amendment.txt')], tokens), (text) => amendment(text, 'new'));
      expect(tally.ok, showTally(tally)).toBeGreaterThan(FUZZ_PARAMS.numRuns / 100);
    },
    FUZZ_TIMEOUT,
  );

  it(
    'dates as people write them (ROC and Gregorian), read by every importer',
    async () => {
      const seeds = ['112年8月15日', '112/08/15', '2023-08-15', '民國112年8月15日'];
      const tally = await fuzz(textInputs(seeds, ['年', '月', '日', '/', '-', '0', '13', '32', '1911', '民國', '0000']), parseAnyDate);
      expect(tally.ok, showTally(tally)).toBeGreaterThan(0);
    },
    FUZZ_TIMEOUT,
  );

  describe('XLSX workbooks', () => {
    let workbook: Buffer;
    beforeAll(async () => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('checklist');
      const [header = '', ...rows] = fixture('checklist.csv').trim().split('\n');
      ws.addRow(header.split(','));
      for (const r of rows) ws.addRow(r.split(','));
      ws.getCell('H1').value = { richText: [{ text: '備註' }] };
      ws.getCell('H2').value = new Date('2026-11-30');
      workbook = Buffer.from(await wb.xlsx.writeBuffer());
    });

    /** Byte-level damage to a real workbook: flips, runs of a byte, cuts, inserted tokens. */
    const damaged = () =>
      fc
        .array(
          fc.oneof(
            fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
            fc.record({ kind: fc.constant('fill' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }), value: fc.integer({ min: 0, max: 255 }) }),
            fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
            fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...HOSTILE_TOKENS) }),
          ),
          { minLength: 1, maxLength: 4 },
        )
        .map((edits) => {
          let b = Buffer.from(workbook);
          for (const e of edits) {
            const at = e.at % (b.length + 1);
            if (e.kind === 'set' && at < b.length) b[at] = e.value;
            else if (e.kind === 'fill') b.fill(e.value, at, Math.min(b.length, at + e.len));
            else if (e.kind === 'cut') b = b.subarray(0, at);
            else if (e.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(e.text), b.subarray(at)]);
          }
          return b;
        });

    it(
      'read whole (archive checks, then exceljs)',
      async () => {
        const tally = await fuzzAsync(damaged(), async (b) => readChecklistRows(await parseTableBytes(b, 'checklist.xlsx')));
        expect(tally.ok, showTally(tally)).toBeGreaterThan(0);
      },
      FUZZ_TIMEOUT,
    );

    it(
      'first row only, as the evidence-folder recogniser reads it',
      async () => {
        const tally = await fuzzAsync(damaged(), (b) => readXlsxFirstRow('inventory.xlsx', b));
        expect(tally.ok, showTally(tally)).toBeGreaterThan(0);
      },
      FUZZ_TIMEOUT,
    );
  });
});
