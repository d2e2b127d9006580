import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANALYZERS, findAnalyzer } from '../../src/analyzers/registry.js';
import { describeOptions } from '../../src/core/analysis/analyzer.js';
import type { CatalogVersion } from '../../src/core/catalog/catalog-version.js';
import { builtinVersionsDir } from '../../src/io/catalog-data.js';
import { runCcheck } from '../helpers/cli.js';
import { tempDir } from '../helpers/shared.js';

const committed = (id: string) => JSON.parse(readFileSync(path.join(builtinVersionsDir(), `${id}.json`), 'utf8')) as CatalogVersion;

describe('the analyzer registry', () => {
  it('every analyzer evidences items that exist in the catalog version inspections use (2023-08-23)', () => {
    const paths = new Set(committed('2023-08-23').nodes.map((n) => n.path));
    for (const a of ANALYZERS) {
      expect(a.items.length, a.id).toBeGreaterThan(0);
      for (const item of a.items) expect(paths.has(item), `${a.id} → ${item}`).toBe(true);
    }
  });

  it('ids are unique, every analyzer declares its options, and the template is documentation, not a product analyzer', () => {
    expect(new Set(ANALYZERS.map((a) => a.id)).size).toBe(ANALYZERS.length);
    expect(ANALYZERS.map((a) => a.id)).not.toContain('_template');
    for (const a of ANALYZERS) expect(() => describeOptions(a), a.id).not.toThrow();
    expect(findAnalyzer('_template')).toBeUndefined();
  });
});

describe('ccheck analyze with options', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());
  const ccheck = (...args: string[]) => runCcheck(args, { env: { CCHECK_HOME: path.join(tmp.dir, 'home'), LANG: 'en_US.UTF-8' }, cwd: tmp.dir, columns: 160 });

  it('refuses a malformed option with its code and exit 3 instead of analysing with a default', async () => {
    const fw = path.join(tmp.dir, 'fw.rules');
    writeFileSync(fw, '*filter\n:INPUT DROP [0:0]\n-A INPUT -s 10.1.2.0/24 -d 10.9.9.9/32 -p tcp --dport 1000:3000 -j ACCEPT\nCOMMIT\n');
    const bad = await ccheck('analyze', 'rule-set', fw, '--today', '2026-11-30', '--set', 'max_port_span=1024x', '--json');
    expect(bad.code).toBe(3);
    expect(JSON.parse(bad.out || bad.err)).toMatchObject({ error: { code: 'ANALYZER_OPTION_INVALID' } });
    const typo = await ccheck('analyze', 'rule-set', fw, '--today', '2026-11-30', '--set', 'min_prefx_v4=16');
    expect(typo.code).toBe(3);
    expect(typo.err).toContain('min_prefx_v4');
    // The same file with a good value is analysed: 2,001 ports are wider than 1,024 allow, not than 4,096.
    const good = await ccheck('analyze', 'rule-set', fw, '--today', '2026-11-30', '--set', 'max_port_span=1024', '--json');
    expect((JSON.parse(good.out) as { findings: { kind: string }[] }).findings.map((f) => f.kind)).toContain('over_broad');
    const wide = await ccheck('analyze', 'rule-set', fw, '--today', '2026-11-30', '--set', 'max_port_span=4096', '--json');
    expect((JSON.parse(wide.out) as { findings: { kind: string }[] }).findings.map((f) => f.kind)).not.toContain('over_broad');
  });

  it('ccheck analyzers lists each option with its default', async () => {
    const r = await ccheck('analyzers', '--json');
    const list = (JSON.parse(r.out) as { analyzers: { id: string; options: { name: string; default: unknown }[] }[] }).analyzers;
    expect(list.find((a) => a.id === 'rule-set')?.options).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'min_prefix_v4', default: 16 }), expect.objectContaining({ name: 'syntax', default: null })]),
    );
    const text = await ccheck('analyzers');
    expect(text.out).toContain('--set horizon_days=…');
  });
});
