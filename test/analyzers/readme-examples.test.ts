import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectSyntax } from '../../src/analyzers/rule-set/rule-set.analyzer.js';
import { packageRoot } from '../../src/io/catalog-data.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';
import { tempDir } from '../helpers/shared.js';

// The README shows one example per rule syntax; each must be recognised and analysed as shown.
const readme = readFileSync(path.join(packageRoot(), 'README.md'), 'utf8');
const examples = [...readme.matchAll(/```text rule-set-example (\w+)\n([\s\S]*?)```/g)].map((m) => ({ syntax: m[1]!, text: m[2]! }));
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('the README’s rule-set examples', () => {
  it('has one for every syntax', () => {
    expect(examples.map((e) => e.syntax)).toEqual(['iptables', 'cisco', 'junos', 'fortios', 'panos']);
  });

  it.each(examples.map((e) => [e.syntax, e.text] as const))('%s is recognised, read and judged with owner and review date', async (syntax, text) => {
    expect(detectSyntax(`example.${syntax}`, text)).toBe(syntax);
    const file = path.join(tmp.dir, `example-${syntax}.cfg`);
    writeFileSync(file, text);
    const r = await analyzeFiles('rule-set', [file], '2026-11-27');
    expect(r.verdict, JSON.stringify(r.findings.slice(0, 3))).not.toBe('error');
    expect(r.scope).toBeGreaterThan(0);
    expect(r.findings.filter((f) => f.kind === 'parse_warning')).toEqual([]);
    // The tagged rule carries its owner and review date, so neither is reported missing for it.
    const tagged = r.findings.filter((f) => (f.kind === 'owner_missing' || f.kind === 'review_date_missing') && /web/.test(f.rule ?? ''));
    expect(tagged).toEqual([]);
  });
});
