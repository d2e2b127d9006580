import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { findAnalyzer } from '../../src/analyzers/registry.js';
import { runAnalyzer, type EvidenceInput } from '../../src/core/analysis/analyzer.js';
import { evidenceFromFile } from '../../src/io/evidence-input.js';
import { describe, expect, it } from 'vitest';
import type { AnalyzerReport } from '../../src/core/analysis/analyzer.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';

const FIX = path.join(import.meta.dirname, '..', 'fixtures', 'pd-trails');
const TODAY = '2026-11-27';
const brief = (r: AnalyzerReport) => r.findings.map((f) => [f.kind, f.file, f.line, f.rule, f.failing]);
const run = (files: string[], options: Record<string, string> = {}) =>
  analyzeFiles(
    'pd-trails',
    files.map((f) => path.join(FIX, f)),
    TODAY,
    options,
  );

describe('pd-trails analyzer (8/(5)/k)', () => {
  it('CSV with BOM and CRLF: each missing field of each access record, an unreadable time, a short row', async () => {
    const r = await run(['pd-access.csv']);
    expect(r.verdict).toBe('fail');
    expect(r.scope).toBe(4);
    expect(brief(r)).toEqual([
      ['missing_account', 'pd-access.csv', 3, null, true],
      ['missing_function', 'pd-access.csv', 4, 'B5678', true],
      ['missing_time', 'pd-access.csv', 4, 'B5678', true], // 25:00:00
      ['missing_query', 'pd-access.csv', 4, 'B5678', true], // neither 查詢指令 nor 查詢結果
      ['missing_system', 'pd-access.csv', 5, 'C9012', true], // the result count (3) is enough for query/result
      ['malformed_lines', 'pd-access.csv', 6, null, false],
    ]);
    expect(r.findings[2]!.detail).toBe(
      'line 4 (B5678): the access record has no time ("2026-11-02 25:00:00" is not a readable time); 8/(5)/k requires login account, function, time, system name and query/result',
    );
    expect(r.findings[0]!.detailZh).toBe('第 3 行：存取紀錄缺少登入帳號；依 8/(5)/k 應留存登入帳號、系統功能、時間、系統名稱、查詢指令或結果');
    expect(r.summary).toBe(
      '4 access records, 3 incomplete; missing per field: login account 1, system function 1, time 1, system name 1, query command or result 1',
    );
  });

  it('JSON Lines with nested keys (user.name), empty and null values as missing, a cut-off last line', async () => {
    const r = await run(['pd-access.jsonl']);
    expect(brief(r)).toEqual([
      ['missing_time', 'pd-access.jsonl', 3, 'B5678', true],
      ['missing_system', 'pd-access.jsonl', 3, 'B5678', true],
      ['missing_query', 'pd-access.jsonl', 3, 'B5678', true],
      ['truncated_file', 'pd-access.jsonl', 4, null, false],
      ['malformed_lines', 'pd-access.jsonl', 4, null, false],
    ]);
    expect(r.scope).toBe(3);
  });

  it('syslog: RFC 5424 structured data and key=value messages; the 3164 tag is the system name', async () => {
    const r = await run(['pd-access.log']);
    expect(brief(r)).toEqual([
      ['missing_query', 'pd-access.log', 2, 'A1234', true],
      ['missing_system', 'pd-access.log', 3, 'B5678', true], // APP-NAME is "-"
    ]);
  });

  it('reads a Big5 CSV with zh-TW headers', async () => {
    const r = await run(['pd-access-big5.csv']);
    expect(brief(r)).toEqual([['missing_function', 'pd-access-big5.csv', 3, '王小明', true]]);
  });

  it('caps findings per field and counts the rest; complete records pass', async () => {
    const r = await run(['pd-access.csv', 'pd-access.jsonl'], { max_findings_per_kind: '1' });
    expect(brief(r).filter((f) => f[0] === 'findings_capped')).toEqual([
      ['findings_capped', 'pd-access.csv', null, 'missing_time', false],
      ['findings_capped', 'pd-access.csv', null, 'missing_query', false],
      ['findings_capped', 'pd-access.csv', null, 'missing_system', false],
    ]);
    expect(r.findings.filter((f) => f.kind.startsWith('missing_')).length).toBe(5);
    expect(r.summary).toContain('missing per field: login account 1, system function 1, time 2, system name 2, query command or result 2');
  });

  it('judges JSON Lines the quick way (complete lines only counted) exactly as line by line, at any chunk size', async () => {
    const file = path.join(FIX, 'pd-access.jsonl');
    const full = evidenceFromFile(file);
    const lineByLine: EvidenceInput = { name: full.name, lines: () => full.lines(), text: () => full.text(), table: () => full.table() };
    const analyzer = findAnalyzer('pd-trails')!;
    const expected = await runAnalyzer(analyzer, { files: [lineByLine], today: TODAY });
    const bytes = readFileSync(file);
    for (const size of [1, 5, 64, 4096]) {
      const chunked: EvidenceInput = {
        ...lineByLine,
        bytes: () => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size))),
      };
      expect(await runAnalyzer(analyzer, { files: [chunked], today: TODAY }), `chunks of ${size} bytes`).toEqual(expected);
    }
  });
});
