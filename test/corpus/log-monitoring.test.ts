import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../src/services/analysis-service.js';
import { SHARED } from '../helpers/shared.js';

// Corpus tier: jc's RFC 3164 / RFC 5424 test inputs with jc's own parse (…json) as the answer.
const JC = path.join(SHARED, 'external', 'logs', 'jc');

describe('log analyzers on the real syslog samples (../shared/external/logs/jc)', () => {
  for (const [name, unparsable] of [
    ['generic__syslog-3164', [2, 35]],
    ['generic__syslog-5424', [2, 9]],
  ] as const) {
    it(`${name}: reads the lines jc reads and refuses the ones jc calls unparsable`, async () => {
      const jc = JSON.parse(readFileSync(path.join(JC, `${name}.json`), 'utf8')) as Record<string, unknown>[];
      const r = await analyzeFiles('log-monitoring', [path.join(JC, `${name}.out`)], '2026-11-27');
      expect(r.scope).toBe(jc.filter((e) => !('unparsable' in e)).length);
      const bad = r.findings.find((f) => f.kind === 'malformed_lines')!;
      expect(bad.line).toBe(unparsable[0]);
      expect(bad.detail).toContain(`${unparsable.length} lines could not be read`);
      expect(bad.detail).toContain(`; ${unparsable[1]} (not an RFC 5424 or RFC 3164 syslog line)`);
    });
  }

  it('3164: the hosts jc names are the sources, and the sample has no log-processing failure', async () => {
    const r = await analyzeFiles('log-monitoring', [path.join(JC, 'generic__syslog-3164.out')], '2026-11-27', { silence_hours: '8760' });
    expect(r.verdict).toBe('pass');
    expect(r.summary).toBe(
      '30 events from 6 sources: 0 went silent over 8760 h (0 silences with no recorded action); 0 log-processing failures, 0 handled in the log, 0 in the action register, 0 with no recorded action',
    );
  });

  it('5424 as a personal-data trail: no account or query in these lines, each named', async () => {
    const r = await analyzeFiles('pd-trails', [path.join(JC, 'generic__syslog-5424.out')], '2026-11-27');
    expect(r.summary).toBe(
      '7 access records, 7 incomplete; missing per field: login account 7, system function 7, time 1, system name 1, query command or result 7',
    );
  });
});
