import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../src/services/analysis-service.js';
import { SHARED } from '../helpers/shared.js';

// Telegraf's ntpq parser cases (../shared/external/timesync/telegraf-ntpq), broken ones included.
const CASES = path.join(SHARED, 'external', 'timesync', 'telegraf-ntpq');
const inputs = (c: string) =>
  readdirSync(path.join(CASES, c))
    .filter((f) => f.startsWith('input'))
    .sort()
    .map((f) => path.join(CASES, c, f));
const TODAY = '2026-11-30';

describe('clocks on the real ntpq parser cases', () => {
  it('every case is read: no file is refused, every line either judged or named', async () => {
    for (const c of readdirSync(CASES)) {
      const r = await analyzeFiles('clocks', inputs(c), TODAY);
      expect(
        r.findings.filter((f) => f.kind === 'input_error'),
        c,
      ).toEqual([]);
    }
  });

  it.each([
    // 233.010 ms behind its system peer: when as 2d/2h/2m/2q, poll as 68m or "foobar", stratum under a "foobar" header, no delay column.
    ...['single', 'days', 'hours', 'minutes', 'bad_when', 'bad_int_parse', 'bad_header', 'missing_delay_column', 'single_reach_octal'].map(
      (c) => [c, 'fail', [['offset_over_threshold', 3, 'input']]] as const,
    ),
    ['issue_2386', 'pass', []], // SHM(0) is the system peer at 0.045 ms; "(d", "(domain)", "(" and tabs around remote names do not shift the columns
    ['multi', 'fail', [['not_synchronised', 1, 'input']]], // five servers at reach 377, no tally code at all
    ['no_ref_id', 'fail', [['not_synchronised', 1, 'input']]],
    ['long_poll', 'fail', [['not_synchronised', 1, 'input']]], // only an outlier (-)
    ['pool_when_minus', 'fail', [['not_synchronised', 1, 'input']]], // the pool placeholder does not count; 195.201.19.162 answers but is not selected
    ['pool_when_headers_as_data', 'fail', [['no_reachable_reference', 1, 'input']]], // the header printed twice, then only a .POOL. line
    ['bad_float_parse', 'error', [['malformed_records', 3, null]]], // offset "foobar": the system peer cannot be judged
    [
      'failed',
      'fail',
      [
        ['malformed_records', 1, null],
        ['offset_over_threshold', 3, 'input'],
      ],
    ], // input.err holds "test failure"
    [
      'servers_one_fail',
      'fail',
      [
        ['offset_over_threshold', 3, 'input_serverA'],
        ['not_synchronised', 1, 'input_serverB'],
        ['malformed_records', 1, null], // input_serverC.err: "not authorized"
      ],
    ],
  ] as const)('%s: %s', async (c, verdict, expected) => {
    const r = await analyzeFiles('clocks', inputs(c), TODAY);
    expect(r.verdict).toBe(verdict);
    expect(r.findings.map((f) => [f.kind, f.line, f.rule])).toEqual(expected);
  });

  it('names the broken values of the broken cases', async () => {
    const r = await analyzeFiles('clocks', inputs('bad_float_parse'), TODAY);
    expect(r.findings[0]!.detail).toBe('input.txt: 1 malformed line not judged: line 3: uschi5-ntp-002.: offset "foobar" not a number');
    const s = await analyzeFiles('clocks', inputs('servers_one_fail'), TODAY);
    expect(s.findings[2]!.detail).toContain('line 1: not ntpq, chronyc or timedatectl output: "not authorized"');
    expect(s.summary).toBe('3 hosts: 2 failing, 1 could not be judged (offset limit 100 ms)');
  });
});
