import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Readable } from 'node:stream';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLogTime, parseSyslog, splitCsv } from '../../src/analyzers/log-monitoring/log-records.js';
import { runAnalyzer, type AnalyzerReport, type EvidenceInput } from '../../src/core/analysis/analyzer.js';
import { findAnalyzer } from '../../src/analyzers/registry.js';
import { evidenceFromFile } from '../../src/io/evidence-input.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';

const FIX = path.join(import.meta.dirname, '..', 'fixtures', 'log-monitoring');
const TODAY = '2026-11-27';
const brief = (r: AnalyzerReport) => r.findings.map((f) => [f.kind, f.file, f.line, f.rule, f.failing]);

let tmp: string;
beforeEach(() => (tmp = mkdtempSync(path.join(os.tmpdir(), 'ccheck-logmon-'))));
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('log records: times, syslog and CSV as they are written', () => {
  const today = Date.parse('2026-11-27T23:59:59.999+08:00');
  it('reads ISO with and without offset (Taipei), 民國 years, epoch seconds/ms and BSD stamps without a year', () => {
    expect(parseLogTime('2026-11-01T00:00:00Z', today)).toBe(Date.UTC(2026, 10, 1));
    expect(parseLogTime('2026-11-01 08:00:00', today)).toBe(Date.UTC(2026, 10, 1));
    expect(parseLogTime('2026/11/01 09:30:00+09:00', today)).toBe(Date.UTC(2026, 10, 1, 0, 30));
    expect(parseLogTime('115/11/01 08:00:00', today)).toBe(Date.UTC(2026, 10, 1));
    expect(parseLogTime('1793491200', today)).toBe(1793491200_000);
    expect(parseLogTime('1793491200123', today)).toBe(1793491200123);
    // No year in RFC 3164: this year, or last year when the day would lie after today.
    expect(parseLogTime('Nov  1 08:00:00', today)).toBe(Date.UTC(2026, 10, 1));
    expect(parseLogTime('Dec 24 08:00:00', today)).toBe(Date.UTC(2025, 11, 24));
    expect(parseLogTime('2026-11-02 25:00:00', today)).toBeNull();
    expect(parseLogTime('203-10-11T22:14:15Z', today)).toBeNull();
    expect(parseLogTime('yesterday', today)).toBeNull();
  });

  it('parses RFC 5424 with structured data (escaped quotes and brackets) and RFC 3164 tags; refuses PRI over 191', () => {
    const r = parseSyslog(
      '<190>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventID="10\\] 11"] An entry',
      1,
      today,
    )!;
    expect([r.time, r.fields.get('host'), r.fields.get('app'), r.fields.get('eventid'), r.message]).toEqual([
      Date.UTC(2003, 9, 11, 22, 14, 15, 3),
      'mymachine.example.com',
      'evntslog',
      '10] 11',
      'An entry',
    ]);
    const b = parseSyslog('<38>Mar  8 09:01:07 avas sshd(pam_unix)[21839]: session opened for user=tom', 2, today)!;
    expect([b.fields.get('host'), b.fields.get('app'), b.message, b.fields.get('user')]).toEqual(['avas', 'sshd', 'session opened for user=tom', 'tom']);
    expect(parseSyslog('<3444>Oct 11 22:14:15 mymachine su: x', 3, today)).toBeNull();
    expect(parseSyslog('<190)1 2003-10-11T22:14:15.003Z h a - - - x', 4, today)).toBeNull();
  });

  it('splits CSV with quotes, doubled quotes and commas inside; an open quote asks for the next line', () => {
    expect(splitCsv('a,"b, c","say ""hi""",')).toEqual(['a', 'b, c', 'say "hi"', '']);
    expect(splitCsv('a,"open')).toBeNull();
    expect(splitCsv('a,"open\nclosed",z')).toEqual(['a', 'open\nclosed', 'z']);
  });
});

describe('log-monitoring analyzer (8/(4)/d)', () => {
  it('names silent sources (exact even out of order), unhandled failures, register and in-log actions, bad and cut-off lines', async () => {
    const r = await analyzeFiles('log-monitoring', [path.join(FIX, 'app-events.jsonl'), path.join(FIX, 'actions.csv')], TODAY, {
      period_from: '2026-11-01',
      period_to: '2026-11-02',
      silence_hours: '6',
      action_window_hours: '2',
      expected_sources: 'core-db-01,core-ap-01,core-ad-01',
    });
    expect(r.verdict).toBe('fail');
    expect(r.scope).toBe(10);
    expect(brief(r)).toEqual([
      // line 5: rsyslog forwarding suspended at 09:00; the register's row 2 (09:30) records the restart
      ['log_failure_handled', 'app-events.jsonl', 5, 'core-ap-01', false],
      // line 6: 1,250 messages lost, nothing recorded (line 8's rotation failure carries its own action field)
      ['log_failure_unhandled', 'app-events.jsonl', 6, 'core-db-01', true],
      ['silent_source_handled', 'app-events.jsonl', 5, 'core-ap-01', false], // 00:10–09:00, register row 2 within 2 h
      ['silent_source_handled', 'app-events.jsonl', 9, 'core-ap-01', false], // 09:00–20:00
      ['silent_source', 'app-events.jsonl', 11, 'core-ap-01', true], // 20:00–08:00 next day
      ['silent_source', 'app-events.jsonl', 11, 'core-ap-01', true], // 08:00 to the end of the period
      // core-db-01: 16:00 → 09:00 is split by line 12 (01:00, written after line 10) into two long gaps
      ['silent_source', 'app-events.jsonl', 12, 'core-db-01', true],
      ['silent_source', 'app-events.jsonl', 10, 'core-db-01', true],
      ['silent_source', 'app-events.jsonl', 10, 'core-db-01', true],
      ['silent_source', 'app-events.jsonl', null, 'core-ad-01', true], // expected, never seen
      ['malformed_lines', 'actions.csv', 3, 'not a time', false],
      ['truncated_file', 'app-events.jsonl', 13, null, false],
      ['malformed_lines', 'app-events.jsonl', 7, null, false],
    ]);
    const f = r.findings;
    expect(f[4]!.detail).toContain('core-ap-01 was silent 2026-11-01 20:00 – 2026-11-02 08:00 (12 h), longer than 6 h');
    expect(f[4]!.detailZh).toContain('違反 8/(4)/d');
    expect(f[6]!.detail).toContain('2026-11-01 16:00 – 2026-11-02 01:00 (9 h)');
    expect(f[0]!.blocking).toEqual([{ file: 'actions.csv', line: 2, rule: '重新啟動 rsyslog 並確認補傳' }]);
    expect(f[12]!.detail).toBe('2 lines could not be read and were not judged — line 7 (not a JSON object); 13 (not a JSON object)');
    expect(r.summary).toBe(
      '10 events from 2 sources: 3 went silent over 6 h (6 silences with no recorded action); 3 log-processing failures, 1 handled in the log, 1 in the action register, 1 with no recorded action',
    );
    expect(f.every((x) => x.clause === '8/(4)/d')).toBe(true);
  });

  it('finds collector, rotation, overflow and dropped-message failures in RFC 3164/5424 syslog, and Windows event 1104', async () => {
    const r = await analyzeFiles('log-monitoring', [path.join(FIX, 'collector.log')], TODAY);
    expect(brief(r)).toEqual([
      ['log_failure_unhandled', 'collector.log', 1, 'log-01', true], // rsyslogd omfwd suspended
      ['log_failure_unhandled', 'collector.log', 2, 'log-01', true], // logrotate: no space left
      ['log_failure_unhandled', 'collector.log', 3, 'log-01', true], // audit backlog limit exceeded
      ['log_failure_unhandled', 'collector.log', 5, 'win-dc-01', true], // EventID 1104
      ['malformed_lines', 'collector.log', 7, null, false], // <3444>
    ]);
    expect(r.findings.map((f) => f.detail.split(' — ')[0])).toEqual([
      'Nov  1 03:00:01 log-01: log collector or forwarder error',
      '2026-11-01T04:00:00+08:00 log-01: log queue, buffer or storage full',
      'Nov  1 05:00:00 log-01: log messages dropped or lost',
      '2026-11-01T07:00:00+08:00 win-dc-01: log queue, buffer or storage full',
      '1 lines could not be read and were not judged',
    ]);
    expect(r.scope).toBe(6);
  });

  it('reads CSV logs with quoted commas, a field over two lines, a short row and a 民國 date; host/app sources', async () => {
    const r = await analyzeFiles('log-monitoring', [path.join(FIX, 'events.csv')], TODAY, { source_by: 'host_app', silence_hours: '0.1' });
    expect(r.scope).toBe(4);
    expect(brief(r)).toEqual([
      ['log_failure_unhandled', 'events.csv', 2, 'ap-02/fluent-bit', true], // chunk dropped
      ['silent_source', 'events.csv', 2, 'ap-02/fluent-bit', true], // 08:00 to the period's end (08:10), over 6 min
      ['malformed_lines', 'events.csv', 6, null, false],
    ]);
  });

  it('passes a healthy month, and refuses a misspelt option before running', async () => {
    const lines = Array.from({ length: 48 }, (_, h) =>
      JSON.stringify({
        time: `2026-11-${String(1 + Math.floor(h / 24)).padStart(2, '0')}T${String(h % 24).padStart(2, '0')}:00:00+08:00`,
        host: 'core-db-01',
        message: 'ok',
      }),
    );
    writeFileSync(path.join(tmp, 'ok.jsonl'), lines.join('\n'));
    const ok = await analyzeFiles('log-monitoring', [path.join(tmp, 'ok.jsonl')], TODAY, { silence_hours: '1' });
    expect([ok.verdict, ok.scope, ok.findings]).toEqual(['pass', 48, []]);
    await expect(analyzeFiles('log-monitoring', [path.join(tmp, 'ok.jsonl')], TODAY, { silence_hour: '1' })).rejects.toMatchObject({
      code: 'ANALYZER_OPTION_INVALID',
    });
    await expect(analyzeFiles('log-monitoring', [path.join(tmp, 'ok.jsonl')], TODAY, { silence_hours: '1h' })).rejects.toMatchObject({
      code: 'ANALYZER_OPTION_INVALID',
    });
  });

  it('names Big5 bytes in a file whose head is UTF-8, and caps findings per kind with a count of the rest', async () => {
    // The encoding is sniffed from the first 64 KiB: Big5 further down shows as unreadable text.
    const head = Array.from({ length: 800 }, (_, i) =>
      JSON.stringify({ time: '2026-11-01T00:00:00+08:00', host: 'h', message: `dropped ${i} messages`, pad: 'x'.repeat(40) }),
    );
    const big5 = iconv.encode(JSON.stringify({ time: '2026-11-01T00:00:00+08:00', host: 'h', message: '日誌正常' }), 'big5');
    writeFileSync(path.join(tmp, 'mixed.jsonl'), Buffer.concat([Buffer.from(head.join('\n') + '\n'), big5, Buffer.from('\n')]));
    const r = await analyzeFiles('log-monitoring', [path.join(tmp, 'mixed.jsonl')], TODAY, { max_findings_per_kind: '3' });
    expect(brief(r)).toEqual([
      ['log_failure_unhandled', 'mixed.jsonl', 1, 'h', true],
      ['log_failure_unhandled', 'mixed.jsonl', 2, 'h', true],
      ['log_failure_unhandled', 'mixed.jsonl', 3, 'h', true],
      ['findings_capped', 'mixed.jsonl', null, 'log_failure_unhandled', false],
      ['wrong_encoding', 'mixed.jsonl', 801, null, false],
    ]);
    expect(r.findings[3]!.detail).toBe(
      'log_failure_unhandled: 800 in all; the first 3 are listed, 797 more are counted but not listed (option max_findings_per_kind)',
    );
  });

  it('reads JSON Lines the quick way (bytes, learnt layout) exactly as line by line, whatever the chunk boundaries', async () => {
    const lines = [
      '\uFEFF{"time":"2026-11-01T00:00:00.5+08:00","host":"core-ap-01","app":"trade","message":"ok"}',
      '{"time":"2026-11-01T00:00:01+08:00","host":"主機-02","app":"交易","message":"正常"}\r',
      '',
      '{"host":"core-ap-01","time":"2026-11-01T03:00:00+08:00","message":"other key order"}',
      '{"time":"2026-11-01T04:00:00+08:00","host":"core-ap-01","app":"trade","message":"say \\"hi\\"","ctx":{"n":1}}',
      '{"time":"2026-11-01T05:00:00Z","host":"core-ap-01","app":"trade","message":"1250 messages lost"}',
      '{"time":"2026-11-01T05:10:00+08:00","host":"core-ap-01","app":"trade","message":"queue full","action":"INC-7"}',
      '{"time":"2026-10-31T23:00:00+08:00","host":"主機-02","app":"交易","message":"late, out of order"}',
      '{"time":"bad time","host":"core-ap-01","app":"trade","message":"ok"}',
      '{"time":"2026-11-03T00:00:00+08:00","host":"-","app":"trade","message":"ok"}',
      'garbage',
      '{"time":"2026-11-03T01:00:00+08:00","host":"core-ap-01","app":"trade","message":"ok"}',
      '{"time":"2026-11-03T02:00:00+08:00","host":"core-ap-01","app":"trade","mess',
    ];
    const file = path.join(tmp, 'shapes.jsonl');
    writeFileSync(file, lines.join('\n'));
    const bytes = readFileSync(file);
    const analyzer = findAnalyzer('log-monitoring')!;
    const run = (input: EvidenceInput) => runAnalyzer(analyzer, { files: [input], today: TODAY, options: { silence_hours: '2' } });
    const full = evidenceFromFile(file);
    const lineByLine: EvidenceInput = { name: full.name, lines: () => full.lines(), text: () => full.text(), table: () => full.table() };
    const expected = await run(lineByLine);
    expect(expected.scope).toBe(10); // 13 lines: one blank, one garbage, one cut off
    expect(brief(expected).map((f) => f[0])).toContain('log_failure_unhandled');
    for (const size of [1, 2, 7, 64, 4096]) {
      const chunked: EvidenceInput = {
        ...lineByLine,
        bytes: () => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size))),
      };
      expect(await run(chunked), `chunks of ${size} bytes`).toEqual(expected);
    }
  });
});
