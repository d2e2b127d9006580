import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clocksAnalyzer } from '../../src/analyzers/clocks/clocks.analyzer.js';
import { hostFromFileName, parseTimeSync } from '../../src/analyzers/clocks/time-sync-outputs.js';
import { packageRoot } from '../../src/io/catalog-data.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';

const FIX = path.join(packageRoot(), 'test', 'fixtures', 'clocks');
const fx = (name: string) => path.join(FIX, name);
const TODAY = '2026-11-30';
const ALL = ['db01.ntpq.txt', 'db02.ntpq.txt', 'hosts-chrony.txt', 'web01.timedatectl.txt', 'web02.timedatectl', 'legacy-big5.txt', 'garbled.txt'];
const row = (f: { kind: string; file: string | null; line: number | null; rule: string | null; failing: boolean }) => [
  f.kind,
  f.file,
  f.line,
  f.rule,
  f.failing,
];

describe('reading ntpq, chronyc and timedatectl output', () => {
  it('takes the host from the file name, a "# host:" marker or a shell prompt', () => {
    expect(hostFromFileName('db01.ntpq.txt')).toBe('db01');
    expect(hostFromFileName('logs/web02.timedatectl')).toBe('web02');
    expect(hostFromFileName('db03.example.com.txt')).toBe('db03.example.com');
    const text = readFileSync(fx('hosts-chrony.txt'), 'utf8');
    expect(parseTimeSync('hosts-chrony.txt', text).hosts.map((h) => [h.host, h.line, h.blocks.map((b) => b.kind)])).toEqual([
      ['ap01', 1, ['chronyc tracking', 'chronyc sources']],
      ['ap02', 29, ['chronyc tracking', 'chronyc sources']],
      ['ap03', 41, ['chronyc tracking', 'chronyc sources']],
    ]);
  });

  it('keeps units apart: ntpq milliseconds, chrony tracking seconds fast/slow, chrony sources with their suffix', () => {
    const chrony = parseTimeSync('x', readFileSync(fx('hosts-chrony.txt'), 'utf8')).hosts;
    const ap01 = chrony[0]!.blocks;
    expect(ap01[0]).toMatchObject({ kind: 'chronyc tracking', synchronised: true, offsetMs: -0.012345, offsetLine: 5 });
    expect(ap01[1]).toMatchObject({
      sources: [
        { tally: '*', offsetMs: -0.012, reach: 255 },
        { tally: '+', offsetMs: expect.closeTo(0.001234, 9) as number },
      ],
    });
    const ntpq = parseTimeSync('db01', readFileSync(fx('db01.ntpq.txt'), 'utf8')).hosts[0]!.blocks[0]!;
    expect(ntpq).toMatchObject({
      kind: 'ntpq',
      sources: [{ line: 3, remote: '10.1.1.1', refid: '118.163.81.61', stratum: 2, reach: 255, offsetMs: -0.512 }, { tally: '+' }],
    });
  });

  it('names a line it cannot read, and a line cut short at the end of the file as a truncation', () => {
    const r = parseTimeSync('t.txt', 'remote refid st t when poll reach delay offset jitter\n*a b 2 u 1 64 377 1.0 0.5 0.1\n+c d 2 u 1');
    expect(r.malformed).toEqual([expect.objectContaining({ line: 3, en: '5 columns where the header names 10 (the file ends here: truncated?)' })]);
    expect(parseTimeSync('t.txt', 'not authorized').malformed[0]!.en).toBe('not ntpq, chronyc or timedatectl output: "not authorized"');
  });
});

describe('clocks analyzer (7/(2)/b/(f))', () => {
  it('names every host not synchronised, too far off, or without a reachable reference, line by line', async () => {
    const r = await analyzeFiles('clocks', ALL.map(fx), TODAY);
    expect(r).toMatchObject({ analyzer: 'clocks', items: ['7/(2)/b/(f)'], verdict: 'fail', scope: 9 });
    expect(r.findings.map(row)).toEqual([
      ['offset_over_threshold', 'db02.ntpq.txt', 3, 'db02', true],
      ['offset_over_threshold', 'hosts-chrony.txt', 32, 'ap02', true],
      ['offset_over_threshold', 'hosts-chrony.txt', 38, 'ap02', true],
      ['not_synchronised', 'hosts-chrony.txt', 42, 'ap03', true],
      ['stratum_16', 'hosts-chrony.txt', 51, 'ap03', false],
      ['no_reachable_reference', 'hosts-chrony.txt', 48, 'ap03', true],
      ['not_synchronised', 'web01.timedatectl.txt', 5, 'web01', true],
      ['stratum_16', 'legacy-big5.txt', 5, '帳務主機01', false],
      ['stratum_16', 'legacy-big5.txt', 6, '帳務主機01', false],
      ['no_reachable_reference', 'legacy-big5.txt', 2, '帳務主機01', true],
      ['malformed_records', 'legacy-big5.txt', 11, null, false],
      ['unreadable_file', 'garbled.txt', null, null, false],
    ]);
    const d = r.findings.map((f) => f.detail);
    expect(d[0]).toBe('db02: ntpq: offset 233.01 ms from 10.1.1.1, the reference in use, more than 100 ms');
    expect(d[1]).toBe('ap02: chronyc tracking: system time offset 250 ms, more than 100 ms from the reference time source');
    expect(d[3]).toContain('Reference ID 00000000 (), Leap status Not synchronised, Stratum 0');
    expect(d[6]).toBe('web01: timedatectl: system clock not synchronised; the NTP service is not active');
    expect(d[9]).toBe('帳務主機01: ntpq: none of 2 source(s) reachable (reach 0 or stratum 16)'); // the .POOL. line is a placeholder, not a source
    expect(d[10]).toContain('line 11: 4 columns where the header names 10 (the file ends here: truncated?)');
    expect(d[11]).toContain('neither UTF-8 nor Big5');
    expect(r.findings[0]!.detailZh).toBe('db02：ntpq：與使用中之基準時間源 10.1.1.1 偏差 233.01 ms，超過門檻 100 毫秒');
  });

  it('the threshold is an option in milliseconds: 300 ms lets 233 ms and 250 ms pass', async () => {
    const r = await analyzeFiles('clocks', [fx('db02.ntpq.txt'), fx('hosts-chrony.txt')], TODAY, { max_offset_ms: '300' });
    expect(r.findings.map((f) => f.kind)).toEqual(['not_synchronised', 'stratum_16', 'no_reachable_reference']);
    const strict = await analyzeFiles('clocks', [fx('db01.ntpq.txt')], TODAY, { max_offset_ms: '0.5' });
    expect(strict.findings.map(row)).toEqual([['offset_over_threshold', 'db01.ntpq.txt', 3, 'db01', true]]); // -0.512 ms
    await expect(analyzeFiles('clocks', [fx('db01.ntpq.txt')], TODAY, { max_offset_ms: '100ms' })).rejects.toMatchObject({ code: 'ANALYZER_OPTION_INVALID' });
  });

  it('passes synchronised hosts, and never passes a file it could not read', async () => {
    const ok = await analyzeFiles('clocks', [fx('db01.ntpq.txt'), fx('web02.timedatectl')], TODAY);
    expect(ok).toMatchObject({ verdict: 'pass', scope: 2, findings: [] });
    const garbled = await analyzeFiles('clocks', [fx('garbled.txt')], TODAY);
    expect(garbled.verdict).toBe('error');
  });

  it('recognises its outputs by content, not tables', () => {
    const rec = (name: string, head: string) => clocksAnalyzer.recognises!({ name, head });
    expect(rec('x.txt', '     remote           refid      st t when poll reach   delay   offset  jitter\n')).toBe(true);
    expect(rec('x.txt', 'Reference ID    : C0A80A01 (ntp1)\n')).toBe(true);
    expect(rec('x.txt', 'System clock synchronized: yes\n')).toBe(true);
    expect(rec('x', 'NTPSynchronized=no\n')).toBe(true);
    expect(rec('x.csv', 'remote,refid\n')).toBe(false);
    expect(rec('fw.rules', '*filter\n:INPUT DROP [0:0]\n')).toBe(false);
  });
});

describe('ntpq -pw', () => {
  it('joins a long remote printed alone on its line with the values on the next', () => {
    const text = [
      '     remote           refid      st t when poll reach   delay   offset  jitter',
      '==============================================================================',
      '*time-a.very-long-hostname.example.com.tw',
      '                118.163.81.61    2 u   33   64  377    0.412   -0.081   0.050',
      '+10.1.1.2        118.163.81.63    2 u   35   64  377    0.398    0.201   0.047',
      '',
    ].join('\n');
    const r = parseTimeSync('w.txt', text);
    expect(r.malformed).toEqual([]);
    expect(r.hosts[0]!.blocks[0]).toMatchObject({
      sources: [
        { line: 3, tally: '*', remote: 'time-a.very-long-hostname.example.com.tw', refid: '118.163.81.61', offsetMs: -0.081 },
        { line: 5, tally: '+', remote: '10.1.1.2' },
      ],
    });
  });
});

describe('ntpq without any server', () => {
  it('"No association ID\'s returned" is a host with no reference at all', async () => {
    const r = parseTimeSync('db09.txt', "No association ID's returned\n");
    expect(r).toEqual({ hosts: [{ host: 'db09', line: 1, blocks: [{ kind: 'ntpq', line: 1, sources: [], malformed: 0 }] }], malformed: [] });
    expect(clocksAnalyzer.recognises!({ name: 'db09.txt', head: "No association ID's returned\n" })).toBe(true);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ccheck-clocks-'));
    try {
      writeFileSync(path.join(dir, 'db09.txt'), "No association ID's returned\n");
      const a = await analyzeFiles('clocks', [path.join(dir, 'db09.txt')], TODAY);
      expect(a.findings.map(row)).toEqual([['no_reachable_reference', 'db09.txt', 1, 'db09', true]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('chronyc tracking on its own local clock', () => {
  it('Reference ID 7F7F0101 (LOCAL) is a clock that only trusts itself: not synchronised', () => {
    const text = [
      'Reference ID    : 7F7F0101 ()',
      'Stratum         : 10',
      'System time     : 0.000000000 seconds fast of NTP time',
      'Leap status     : Normal',
      '',
    ].join('\n');
    expect(parseTimeSync('ap09.txt', text).hosts[0]!.blocks).toEqual([
      { kind: 'chronyc tracking', line: 1, synchronised: false, why: 'Reference ID 7F7F0101 ()', offsetMs: 0, offsetLine: 3 },
    ]);
  });
});
