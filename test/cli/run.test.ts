import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/io/catalog-data.js';
import { runCcheck } from '../helpers/cli.js';
import { tempDir } from '../helpers/shared.js';

let tmp: { dir: string; cleanup: () => void };
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  tmp = tempDir();
  env = { LANG: 'zh_TW.UTF-8', CCHECK_HOME: path.join(tmp.dir, 'home'), DATABASE_URL: path.join(tmp.dir, 'home', 'ccheck.db'), CCHECK_USER: '資安專員 王小明' };
});
afterEach(() => tmp.cleanup());

const ccheck = (...args: string[]) => runCcheck(args, { env, cwd: tmp.dir });
const demo = (f: string) => path.join(packageRoot(), 'data', 'demo', f);
const profile = path.join(packageRoot(), 'data', 'templates', 'firm-profile.yaml');

interface RunJson {
  licence: string;
  period: string;
  runStarted: boolean;
  firmAdded: boolean;
  profileUpdated: boolean;
  analyzers: { analyzer: string; files: string[]; matchedBy: Record<string, string>; verdict: string; recorded: string[] }[];
  attestations: number;
  unmatched: string[];
  results: Record<string, number>;
  reports: { html: string; xlsx: string; pdf: string };
}

describe('ccheck run --profile --evidence', () => {
  it('matches a folder without a manifest by analyzer folders and by content, and reports what it did not use', async () => {
    const ev = path.join(tmp.dir, 'evidence');
    mkdirSync(path.join(ev, 'rule-set'), { recursive: true });
    copyFileSync(demo('devices.csv'), path.join(ev, 'devices.csv'));
    copyFileSync(demo('vendor-lifecycle.csv'), path.join(ev, 'vendor-lifecycle.csv'));
    copyFileSync(demo('fw-edge-01.asa'), path.join(ev, 'rule-set', 'fw-edge-01.asa'));
    copyFileSync(demo('jump-host.iptables'), path.join(ev, 'jump-host.iptables'));
    writeFileSync(path.join(ev, 'meeting-notes.txt'), '資安會議紀錄\n');
    const r = await ccheck('run', '--profile', profile, '--evidence', 'evidence', '--today', '2026-11-27', '-o', 'out', '--json');
    expect(r.code, r.err).toBe(0);
    const body = JSON.parse(r.out) as RunJson;
    expect(body).toMatchObject({ period: '2026-11', runStarted: true, firmAdded: true, unmatched: ['meeting-notes.txt'] });
    expect(body.analyzers.map((a) => [a.analyzer, a.matchedBy])).toEqual([
      ['device-lifecycle', { 'devices.csv': 'content', 'vendor-lifecycle.csv': 'content' }],
      ['rule-set', { 'jump-host.iptables': 'content', 'rule-set/fw-edge-01.asa': 'folder' }],
    ]);
    expect(body.analyzers.map((a) => a.verdict)).toEqual(['fail', 'fail']);
    expect(body.results).toMatchObject({ fail: 3 });
    for (const f of Object.values(body.reports)) expect(existsSync(f), f).toBe(true);
    // Files are named by their place in the evidence folder, in the findings and in the evidence list.
    const html = readFileSync(body.reports.html, 'utf8');
    expect(html).toContain('[rule-set] rule-set/fw-edge-01.asa:19 legacy-vendor-access');
    expect(html).toMatch(/<div class="ev">rule-set\/fw-edge-01\.asa <code>[0-9a-f]{64}<\/code>/);
  });

  it('follows a manifest (globs, options, attestations with evidence); a second run reuses the inspection and records a changed profile', async () => {
    const ev = path.join(tmp.dir, 'ev');
    mkdirSync(path.join(ev, 'configs'), { recursive: true });
    copyFileSync(demo('devices.csv'), path.join(ev, 'devices.csv'));
    copyFileSync(demo('fw-edge-01.asa'), path.join(ev, 'configs', 'fw-edge-01.asa'));
    writeFileSync(path.join(ev, 'remote-access-policy.txt'), '遠端連線管理辦法 v3\n');
    writeFileSync(
      path.join(ev, 'ccheck-evidence.yaml'),
      [
        'period: 2026-10',
        'analyzers:',
        '  device-lifecycle: { files: [devices.csv], options: { horizon_days: 30 } }',
        '  rule-set: { files: ["configs/*.asa"], options: { reviewed_on: 2026-06-01 } }',
        'attestations:',
        '  - path: 7/(1)/a/(h)',
        '    status: pass',
        '    justification: 遠端連線管理辦法 v3 已覆核',
        '    evidence: [remote-access-policy.txt]',
        '    expires_on: 115年12月31日',
        '',
      ].join('\n'),
    );
    const first = await ccheck('run', '--profile', profile, '--evidence', 'ev', '--today', '2026-11-27', '--json');
    expect(first.code, first.err).toBe(0);
    const a = JSON.parse(first.out) as RunJson;
    expect(a).toMatchObject({ period: '2026-10', runStarted: true, attestations: 1, unmatched: [] });
    expect(a.analyzers.map((x) => [x.analyzer, x.files])).toEqual([
      ['device-lifecycle', ['devices.csv']],
      ['rule-set', ['configs/fw-edge-01.asa']],
    ]);
    const show = await ccheck('inspect', 'show', '--firm', '金管證總字第0000號', '--period', '2026-10', '--json');
    expect(show.out).toContain('遠端連線管理辦法 v3 已覆核');
    expect(show.out).toContain('2026-12-31');

    const changed = readFileSync(profile, 'utf8').replace('name: 範例證券股份有限公司', 'name: 範例證券股份有限公司（更名）');
    writeFileSync(path.join(tmp.dir, 'profile.yaml'), changed);
    const second = await ccheck('run', '--profile', 'profile.yaml', '--evidence', 'ev', '--today', '2026-11-28');
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain('金管證總字第0000號 2026-10 查核（沿用既有查核）');
    expect(second.out).toContain('已更新公司基本資料');
    expect(second.out).toMatch(/rule-set: configs\/fw-edge-01\.asa \[佐證清單\] → fail/);
    expect((await ccheck('audit', 'verify')).code).toBe(0);
  });

  it('refuses a manifest that names a missing file or an unknown key, and an empty folder, storing nothing', async () => {
    const ev = path.join(tmp.dir, 'ev');
    mkdirSync(ev);
    writeFileSync(path.join(ev, 'ccheck-evidence.yaml'), 'analyzers:\n  rule-set:\n    files: [fw-*.cfg]\n  firewall-magic:\n    files: [x]\n');
    const missing = await ccheck('run', '--profile', profile, '--evidence', 'ev', '--today', '2026-11-27');
    expect(missing.code).toBe(3);
    expect(missing.err).toContain('[EVIDENCE_MANIFEST_INVALID]');
    expect(missing.err).toContain('「fw-*.cfg」在佐證資料夾中找不到相符的檔案');
    expect(missing.err).toContain('沒有「firewall-magic」這個自動化檢查');
    writeFileSync(path.join(ev, 'ccheck-evidence.yaml'), 'analyzers:\n  rule-set:\n    files: [a]\n    option: {}\n');
    const typo = await ccheck('run', '--profile', profile, '--evidence', 'ev', '--today', '2026-11-27', '--json');
    expect(typo.code).toBe(3);
    expect(JSON.parse(typo.err)).toMatchObject({
      error: { code: 'EVIDENCE_MANIFEST_INVALID', problems: [{ location: { line: 4, field: 'analyzers.rule-set.option' } }] },
    });
    writeFileSync(path.join(ev, 'ccheck-evidence.yaml'), '');
    const empty = await ccheck('run', '--profile', profile, '--evidence', 'ev', '--today', '2026-11-27');
    expect(empty.code).toBe(3);
    expect(empty.err).toContain('[EVIDENCE_FOLDER_EMPTY]');
    expect((await ccheck('firm', 'list', '--json')).out).not.toContain('金管證總字第0000號');
  });
});
