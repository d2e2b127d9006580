import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuleFinding } from '../../src/analyzers/rule-set/analyze-rules.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';
import { tempDir } from '../helpers/shared.js';

// Issue 10: the "source too wide" half of the over-broad check could be deleted with every test
// still passing. A permit from a wide source is over-broad only when its destination is not one
// host or a small net (a wide source to one server is how a public service is published).
let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

async function overBroad(rows: string[]) {
  const file = path.join(tmp.dir, 'rules.csv');
  writeFileSync(
    file,
    [
      '規則名稱 / name,動作 / action,協定 / protocol,來源 / source,目的 / destination,目的埠 / destination_port,負責人 / owner,檢視日 / reviewed_on,啟用 / enabled',
      ...rows,
      'deny-all,deny,ip,any,any,,ops,2026-06-01,yes',
    ].join('\n'),
  );
  const r = await analyzeFiles('rule-set', [file], '2026-11-27');
  return (r.findings as RuleFinding[]).filter((f) => f.kind === 'over_broad').map((f) => [f.line, f.detail.includes('source wider than /16')]);
}

describe('rule-set: a source wider than the minimum prefix (7/(1)/b/(h))', () => {
  it('flags a /8 source to a /23 destination, and names the source as the reason', async () => {
    expect(await overBroad(['wide-src,permit,tcp,10.0.0.0/8,198.51.100.0/23,443,ops,2026-06-01,yes'])).toEqual([[2, true]]);
  });

  it('leaves a /8 source to one host, and a /16 source to a /23, alone', async () => {
    expect(
      await overBroad([
        'one-host,permit,tcp,10.0.0.0/8,198.51.100.7,443,ops,2026-06-01,yes',
        'narrow-src,permit,tcp,10.1.0.0/16,198.51.100.0/23,443,ops,2026-06-01,yes',
      ]),
    ).toEqual([]);
  });
});
