import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ExcelJS from 'exceljs';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCcheck } from '../helpers/cli.js';
import { packageRoot } from '../../src/io/catalog-data.js';
import { profileJsonSchema } from '../../src/services/firm-service.js';
import { TEMPLATE } from '../helpers/profiles.js';
import { tempDir } from '../helpers/shared.js';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const ccheck = (args: string[], stdin?: string) =>
  runCcheck(args, { env: { CCHECK_HOME: path.join(tmp.dir, 'home'), LANG: 'zh_TW.UTF-8' }, cwd: tmp.dir, stdin });

const BAD = `firm:
  name: X
channels: [internet, fax]
tier: 4
class: 1
colocaton: true
core_systems:
  - name: A
    tolerable_interruption_hours: 2
    rto_hours: "two"
    rpo_minutes: 15
    internet_facing: true
    offsite_site: true
services: { cloud: true, social_media: true, iot: false, video_identity: false, mobile_apps: true, api: true, outsorcing: true }
`;

describe('ccheck profile', () => {
  it('init writes the commented template, which passes check; it never overwrites without --force', async () => {
    expect((await ccheck(['profile', 'init'])).code).toBe(0);
    const file = path.join(tmp.dir, 'firm-profile.yaml');
    expect(readFileSync(file, 'utf8')).toBe(TEMPLATE);
    const check = await ccheck(['profile', 'check', 'firm-profile.yaml']);
    expect(check.code).toBe(0);
    expect(check.out).toContain('✓ 公司基本資料格式正確');
    const again = await ccheck(['profile', 'init']);
    expect(again.code).toBe(5);
    expect(again.err).toContain('[OUTPUT_EXISTS]');
    // Like every file the CLI writes (files.ts writeUserFile): the owner's only, replaced whole with --force.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, 'edited\n', { mode: 0o644 });
    expect((await ccheck(['profile', 'init', '--force'])).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(TEMPLATE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('init --ask asks, and writes what was answered', async () => {
    const answers = ['凱基證券', '金管證總字第0001號', 'voice, traditional', '2', '2', 'n', ...Array<string>(7).fill('')].join('\n') + '\n';
    const r = await ccheck(['profile', 'init', '--ask', '-o', 'asked.yaml'], answers);
    expect(r.code).toBe(0);
    expect(r.out).toContain('公司名稱 firm name');
    const written = parseYaml(readFileSync(path.join(tmp.dir, 'asked.yaml'), 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({
      firm: { name: '凱基證券', licence: '金管證總字第0001號' },
      channels: ['voice', 'traditional'],
      tier: 2,
      class: 2,
      colocation: false,
    });
    expect((await ccheck(['profile', 'check', 'asked.yaml'])).code).toBe(0);
  });

  it('check reports every problem at once with its line and field, in zh-TW and English', async () => {
    writeFileSync(path.join(tmp.dir, 'bad.yaml'), BAD);
    const r = await ccheck(['profile', 'check', 'bad.yaml', '--json']);
    expect(r.code).toBe(3);
    const problems = (JSON.parse(r.err) as { error: { problems: { location: { line: number; field: string }; en: string; zh: string }[] } }).error.problems;
    expect(problems.map((p) => `${p.location.line} ${p.location.field}`)).toEqual([
      '1 colocation',
      '2 firm.licence',
      '3 channels[1]',
      '4 tier',
      '6 colocaton',
      '10 core_systems[0].rto_hours',
      '14 services.outsourcing',
      '14 services.outsorcing',
    ]);
    expect(problems.find((p) => p.location.field === 'colocaton')).toMatchObject({
      en: expect.stringContaining('unknown key') as string,
      zh: expect.stringContaining('未知的欄位') as string,
    });
    const text = await ccheck(['profile', 'check', 'bad.yaml']);
    expect(text.err).toContain('錯誤 [PROFILE_INVALID]');
    expect(text.err).toContain('  - 第 6 行，欄位 colocaton：未知的欄位 colocaton');
    expect(text.err).toContain('    line 6, colocaton: unknown key colocaton');
  });

  it('check gives advice that cites the clause', async () => {
    writeFileSync(path.join(tmp.dir, 'p.yaml'), TEMPLATE.replace('rto_hours: 4', 'rto_hours: 6').replace('tier: 1 ', 'tier: null '));
    const r = await ccheck(['profile', 'check', 'p.yaml']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('core_systems[1].rto_hours (10/(10)): 帳務系統：復原時間目標 6 小時超過可容忍中斷時間 4 小時');
    expect(r.out).toContain('tier (7/(2)/b/(g)): 未設定資安分級');
  });

  it('the committed JSON Schema is current, accepts the template and rejects typos', () => {
    const file = path.join(packageRoot(), 'data', 'schemas', 'firm-profile.schema.json');
    expect(readFileSync(file, 'utf8'), 'stale: run npm run schema:build').toBe(`${JSON.stringify(profileJsonSchema(), null, 2)}\n`);
    const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(readFileSync(file, 'utf8')) as object);
    expect(validate(parseYaml(TEMPLATE))).toBe(true);
    expect(validate(parseYaml(BAD))).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'additionalProperties' && e.params.additionalProperty === 'colocaton')).toBe(true);
  });
});

describe('ccheck applicability / plan / impact', () => {
  beforeEach(() => writeFileSync(path.join(tmp.dir, 'firm.yaml'), TEMPLATE.replace('channels: [internet, voice, traditional]', 'channels: [voice]')));

  it('applicability --json has the documented shape', async () => {
    const r = await ccheck(['applicability', '--profile', 'firm.yaml', '--json']);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out) as { version: string; items: Record<string, unknown>[] };
    expect(body.version).toBe('2023-08-23');
    expect(Object.keys(body.items[0]!).slice(0, 5)).toEqual(['path', 'code', 'applies', 'advisory', 'reason']);
    expect(body.items.find((i) => i.path === '1')).toMatchObject({ applies: false, code: 'CC-11000' });
    const old = JSON.parse((await ccheck(['applicability', '--profile', 'firm.yaml', '--version', 'before-2023-08-23', '--json'])).out) as typeof body;
    expect(old.items.find((i) => i.path === '7/(1)/e')).toMatchObject({ applies: true });
    expect(body.items.find((i) => i.path === '7/(1)/e')).toMatchObject({ applies: false });
  });

  it('plan writes ICS and CSV and reads completions', async () => {
    writeFileSync(path.join(tmp.dir, 'done.csv'), 'path,period,completed_on\n7/(1)/a/(j),2026-11,2026-11-20\n');
    const r = await ccheck([
      'plan',
      '--profile',
      'firm.yaml',
      '--from',
      '115年11月1日',
      '--to',
      '2026-12-31',
      '--today',
      '2026-12-05',
      '--completions',
      'done.csv',
      '--ics',
      'p.ics',
      '--csv',
      'p.csv',
      '--xlsx',
      'p.xlsx',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out) as { entries: { path: string; period: string; status: string }[]; next: { path: string; period: string }[] };
    expect(body.entries.find((e) => e.path === '7/(1)/a/(j)' && e.period === '2026-11')?.status).toBe('done');
    expect(body.entries.find((e) => e.path === '7/(1)/b/(h)' && e.period === '2026-11')?.status).toBe('overdue');
    expect(body.next.find((n) => n.path === '7/(1)/a/(j)')?.period).toBe('2026-12');
    expect(readFileSync(path.join(tmp.dir, 'p.ics'), 'utf8')).toContain('BEGIN:VCALENDAR');
    expect(existsSync(path.join(tmp.dir, 'p.csv'))).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(tmp.dir, 'p.xlsx'));
    const sheet = wb.worksheets[0]!;
    expect(sheet.rowCount).toBe(1 + body.entries.length);
    expect(sheet.getRow(1).getCell(1).text).toBe('期限 Due');
    const bad = await ccheck(['plan', '--profile', 'firm.yaml', '--from', '2027-01-01', '--to', '2026-01-01']);
    expect(bad.code).toBe(3);
    expect(bad.err).toContain('[PLAN_INVALID_RANGE]');
  });

  it('impact prints the table and writes the memo', async () => {
    const r = await ccheck(['impact', '--profile', 'firm.yaml', '--from', 'before-2023-08-23', '--to', '2023-08-23', '--memo', 'memo.md']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/項次調整\s+7\/\(1\)\/f\s+7\/\(1\)\/e\s+CC-17010\s+紀錄對應新項次\s+2023-08-23 \(112\/08\/23\)/);
    expect(readFileSync(path.join(tmp.dir, 'memo.md'), 'utf8')).toContain('## 一、新增適用項目');
  });
});
