import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/io/catalog-data.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';
import { tempDir } from '../helpers/shared.js';

// The README's examples for signin-factors, accounts and signin-attempts must read as documented.
const readme = readFileSync(path.join(packageRoot(), 'README.md'), 'utf8');
const section = (id: string) => readme.slice(readme.indexOf(`**\`${id}\``), readme.indexOf('\n**`', readme.indexOf(`**\`${id}\``) + 1));
const block = (id: string, lang: string) => new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(section(id))![1]!;
const tmp = tempDir();
afterAll(() => tmp.cleanup());
const write = (name: string, text: string) => {
  const f = path.join(tmp.dir, name);
  writeFileSync(f, text);
  return f;
};

describe('the README’s examples for sign-in and accounts', () => {
  it('signin-factors: the CSV and the YAML pass', async () => {
    const csv = await analyzeFiles('signin-factors', [write('f.csv', block('signin-factors', 'csv'))], '2026-11-27');
    expect(csv).toMatchObject({ verdict: 'pass', scope: 3, findings: [] });
    const yaml = await analyzeFiles('signin-factors', [write('f.yaml', block('signin-factors', 'yaml'))], '2026-11-27');
    expect(yaml).toMatchObject({ verdict: 'pass', scope: 1, findings: [] });
  });

  it('accounts: the shared account fails, the customer is excluded', async () => {
    const r = await analyzeFiles('accounts', [write('a.csv', block('accounts', 'csv'))], '2026-11-27');
    expect(r.findings.map((f) => [f.kind, f.line])).toEqual([['shared_account', 3]]);
    expect(r.summary).toContain('(1 customer accounts excluded by 8/(2)/f)');
  });

  it('signin-attempts: the JSON line is one attempt', async () => {
    const r = await analyzeFiles('signin-attempts', [write('l.jsonl', block('signin-attempts', 'json'))], '2026-11-27');
    expect(r).toMatchObject({ verdict: 'pass', scope: 1, findings: [] });
  });
});
