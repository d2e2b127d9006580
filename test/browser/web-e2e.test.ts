import { existsSync, readFileSync } from 'node:fs';
import * as OTPAuth from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoAccount } from '../../src/services/demo-people.js';
import { CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { startDemoServer, type DemoServer } from './web-demo-server.js';
import { axeSerious, watchProblems } from './web-helpers.js';

// A month's inspection in Debian's Chromium, each person in their role, on the server `ccheck
// serve --demo` starts (in-process, fresh SQLite store, pages built into dist/web, strict CSP):
// sign in with password + TOTP, upload evidence, record a result, approving one's own result is
// refused with its code and message, a supervisor approves, the CISO signs off, the dashboard
// changes, the report downloads. axe-core checks each main page (serious and critical fail).

let server: DemoServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const watched: string[][] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk (or set CCHECK_CHROMIUM)`);
  // The officer also holds supervisor, so that maker-checker (not the role table) is what refuses their own approval.
  server = await startDemoServer({ officer: ['supervisor'] });
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.close();
});

const totp = (a: DemoAccount) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(a.totpSecret) }).generate();
/** The next 30-second step's code: the server refuses a step already used (sign-in moments ago), and accepts one step of drift. */
const nextTotp = (a: DemoAccount) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(a.totpSecret) }).generate({ timestamp: Date.now() + 30_000 });
const firmUrl = (rest: string) => `${server.base}/firms/${encodeURIComponent(server.firm.licence)}${rest}`;
const apiRun = () => `/api/firms/${encodeURIComponent(server.firm.id)}/runs/${server.period}`;

/** One person's own browser: the sign-in page, password, then the authenticator code. */
async function signIn(role: string, base = server.base): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-TW', timezoneId: 'Asia/Taipei', acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  watched.push(watchProblems(page));
  const a = server.accounts[role]!;
  await page.goto(`${base}/login`);
  await page.getByLabel('帳號').fill(a.username);
  await page.getByLabel('密碼').fill(a.password);
  await page.getByRole('button', { name: '登入' }).click();
  await page.getByLabel('驗證器應用程式的 6 位數代碼').fill(totp(a));
  await page.getByRole('button', { name: '驗證' }).click();
  await page.waitForURL(/\/dashboard$/);
  return page;
}

/** The API as the signed-in page's own session (cookie + CSRF token), for the many items a month has. */
async function callApi(page: Page, method: string, path: string, data?: unknown) {
  const session = (await (await page.request.get(`${server.base}/api/auth/session`)).json()) as { csrf_token: string };
  const r = await page.request.fetch(`${server.base}${path}`, { method, headers: { 'x-csrf-token': session.csrf_token }, data });
  return { status: r.status(), body: (await r.json().catch(() => null)) as unknown };
}
interface RunItem {
  path: string;
  applies: boolean;
  result: { status: string } | null;
  approval: { state: string } | null;
}
async function runItems(page: Page): Promise<RunItem[]> {
  return ((await callApi(page, 'GET', apiRun())).body as { items: RunItem[] }).items;
}
async function trendText(page: Page): Promise<string> {
  await page.goto(firmUrl('/dashboard'));
  await expect.poll(() => page.locator('canvas').count()).toBe(4);
  return page.locator('section[aria-labelledby="h-trend"] figcaption').innerText();
}

describe('a month of CC-17010 in the browser, each person in their role', () => {
  let officer: Page;
  let ciso: Page;
  let chosen: string;
  let before: string;
  let admin: Page;

  it('serves index.html for page routes under the strict CSP, hashed assets for good, and JSON 404s under /api/', async () => {
    const page = await fetch(firmUrl('/dashboard'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    expect(html).not.toMatch(/<script>|<style|style=/); // nothing inline for the CSP to refuse
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    expect((await fetch(`${server.base}${asset}`)).headers.get('cache-control')).toContain('immutable');
    // The error table answers in the language asked for (Node's fetch asks for `*`).
    const api = await fetch(`${server.base}/api/nothing-here`, { headers: { 'accept-language': 'en' } });
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ code: 'ROUTE_NOT_FOUND', message: 'no such route.' });
  });

  it('the sign-in page passes axe, and the officer signs in with password and TOTP', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.base}/login`);
    await page.getByLabel('帳號').waitFor();
    expect(await axeSerious(page)).toEqual([]);
    officer = await signIn('officer');
    before = await trendText(officer);
    expect(before).toContain('各期符合率');
    expect(await axeSerious(officer)).toEqual([]);
  });

  it('the officer uploads evidence to an item, records a result, and may not approve it (RESULT_SELF_APPROVAL)', async () => {
    await officer.goto(firmUrl(`/runs/${server.period}`));
    await officer.getByLabel('篩選項目').selectOption('not_run');
    const first = officer.locator('.item-button').first();
    chosen = (await first.locator('code').innerText()).trim();
    await first.click();
    await officer.locator('#h-item').waitFor();
    expect(await axeSerious(officer)).toEqual([]);

    await officer
      .locator('#evidence-file')
      .setInputFiles({ name: 'review-2026.txt', mimeType: 'text/plain', buffer: Buffer.from('reviewed by the officer\n') });
    await expect.poll(() => officer.locator('.run-head .notice').innerText()).toContain('已上傳：review-2026.txt');
    await expect.poll(() => officer.locator('.item-detail').innerText()).toContain('review-2026.txt');

    await officer.getByLabel('說明').fill('已檢視本月紀錄，符合規定');
    await officer.getByRole('button', { name: '儲存結果' }).click();
    await expect.poll(() => officer.locator('.run-head').innerText()).toContain('已儲存');

    await officer.getByRole('button', { name: '核准' }).click();
    const alert = officer.locator('.run-head [role="alert"]');
    await expect.poll(() => alert.innerText()).toContain('RESULT_SELF_APPROVAL');
    expect(await alert.innerText()).toContain('您是此結果的紀錄者，不得自行覆核');
    // The rest of the month's items, through the same API (a month has dozens).
    for (const item of await runItems(officer)) {
      if (item.applies && item.path !== chosen && (!item.result || item.result.status === 'not_run')) {
        const r = await callApi(officer, 'PUT', `${apiRun()}/items/${encodeURIComponent(item.path)}/result`, {
          status: 'pass',
          justification: '已檢視本月紀錄',
          expires_on: '2099-12-31',
        });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
      }
    }
  });

  it('the officer runs an analyzer on stored evidence as a job and sees its verdict and the exact finding rows', async () => {
    await officer.getByRole('link', { name: '自動化檢查' }).click();
    await officer.getByLabel('檢查程式').selectOption('rule-set');
    await officer.getByRole('checkbox', { name: /fw-edge-01\.asa/ }).check();
    await officer.getByLabel('min_prefix_v4').fill('24');
    expect(await axeSerious(officer)).toEqual([]);
    await officer.getByRole('button', { name: '開始檢查' }).click();
    const row = officer.locator('table.jobs tbody tr').first();
    await expect.poll(() => row.innerText(), { timeout: 60_000 }).toContain('已完成');
    expect(await row.innerText()).toContain('rule-set');
    await row.getByRole('button', { name: '查看結果' }).click();
    const result = officer.locator('section[aria-labelledby="h-job-result"]');
    await expect.poll(() => result.locator('table.finding-rows tbody tr').count()).toBeGreaterThan(0);
    // The same rows the run holds for the items the job recorded, in the file it read: item, file:line.
    const items = (
      (await callApi(officer, 'GET', apiRun())).body as {
        items: {
          path: string;
          analyzer: { findings?: { analyzer: string; file: string; line?: number; rule?: string; detail?: string; severity?: string }[] } | null;
        }[];
      }
    ).items;
    const recorded = (await result.locator('p').first().locator('code').allInnerTexts()).map((c) => c.trim());
    // (the same finding from the demo's earlier run on this file is one row)
    const expected = [
      ...new Set(
        items
          .filter((i) => recorded.includes(i.path))
          .flatMap((i) =>
            (i.analyzer?.findings ?? [])
              .filter((f) => f.analyzer === 'rule-set' && f.file === 'fw-edge-01.asa')
              .map((f) => JSON.stringify([i.path, f.file, f.line ?? null, f.rule ?? '', f.detail ?? '', f.severity ?? ''])),
          ),
      ),
    ].map((k) => {
      const [path, file, line] = JSON.parse(k) as [string, string, number | null];
      return `${path} ${file}${line !== null ? `:${line}` : ''}`;
    });
    const shown: string[] = [];
    for (const tr of await result.locator('table.finding-rows tbody tr').all()) {
      shown.push(`${(await tr.locator('th').innerText()).trim()} ${(await tr.locator('td').nth(1).innerText()).trim()}`);
    }
    expect(shown).toEqual(expected);
    expect(shown.some((r) => /fw-edge-01\.asa:\d+/.test(r))).toBe(true);
    expect(await axeSerious(officer)).toEqual([]);
  });

  it('a supervisor approves it in the page (and the rest of the month)', async () => {
    const supervisor = await signIn('supervisor');
    for (const item of await runItems(supervisor)) {
      if (item.applies && item.path !== chosen && item.approval?.state !== 'approved') {
        const r = await callApi(supervisor, 'POST', `${apiRun()}/items/${encodeURIComponent(item.path)}/approve`, {});
        expect(r.status, `${item.path} ${JSON.stringify(r.body)}`).toBe(200);
      }
    }
    await supervisor.goto(firmUrl(`/runs/${server.period}`));
    await supervisor.getByRole('button', { name: new RegExp(chosen.replace(/[()/]/g, '\\$&')) }).click();
    // Five minutes on, the factor is stale: the approve is refused until the dialog is answered.
    await server.staleFactor('supervisor');
    await supervisor.getByRole('button', { name: '核准' }).click();
    const dialog = supervisor.getByRole('dialog', { name: '請再次驗證第二因素' });
    await dialog.waitFor();
    const pending = (await runItems(supervisor)).find((i) => i.path === chosen)!;
    expect(pending.approval?.state).not.toBe('approved');
    await dialog.getByLabel('驗證器代碼').fill(nextTotp(server.accounts.supervisor!));
    await dialog.getByRole('button', { name: '驗證並繼續' }).click();
    await expect.poll(() => supervisor.locator('.run-head .notice').innerText()).toBe('已覆核');
    expect(await dialog.isVisible()).toBe(false);
    expect((await runItems(supervisor)).find((i) => i.path === chosen)!.approval?.state).toBe('approved');
    await expect.poll(() => supervisor.locator('.item-detail').innerText()).toContain('已覆核');
  });

  it('the CISO signs the inspection off, the dashboard changes, and the report downloads', async () => {
    ciso = await signIn('ciso');
    await ciso.goto(firmUrl(`/runs/${server.period}`));
    // A factor older than five minutes brings the re-auth prompt first; nothing is signed before it is answered.
    await server.staleFactor('ciso');
    await ciso.getByRole('button', { name: '簽核本次檢查' }).click();
    const dialog = ciso.getByRole('dialog', { name: '請再次驗證第二因素' });
    await dialog.waitFor();
    expect(await axeSerious(ciso)).toEqual([]);
    const unsigned = (await callApi(ciso, 'GET', apiRun())).body as { run: { signature?: { signed: boolean } } };
    expect(unsigned.run.signature?.signed ?? false).toBe(false);
    await dialog.getByLabel('驗證器代碼').fill(nextTotp(server.accounts.ciso!));
    await dialog.getByRole('button', { name: '驗證並繼續' }).click();
    await expect.poll(() => ciso.locator('.run-head').innerText()).toContain('已由 ');
    expect(await ciso.locator('.run-head').innerText()).toContain('本次檢查已簽核');
    expect(await axeSerious(ciso)).toEqual([]);

    const [download] = await Promise.all([ciso.waitForEvent('download'), ciso.getByRole('button', { name: 'PDF' }).click()]);
    const file = await download.path();
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');

    const after = await trendText(ciso);
    expect(after).not.toBe(before);
  });

  it('the signatures table shows the sign-off row, and the downloaded package verifies on the verify page', async () => {
    await ciso.goto(firmUrl(`/runs/${server.period}`));
    await ciso.locator('details.signatures summary').click();
    const signoff = ciso.locator('details.signatures tbody tr', { hasText: '簽核' });
    await expect.poll(() => signoff.count()).toBe(1);
    const row = await signoff.innerText();
    expect(row).toContain('資訊安全長');
    expect(row).toContain('密碼＋驗證器代碼');
    expect(await axeSerious(ciso)).toEqual([]);

    const [download] = await Promise.all([ciso.waitForEvent('download'), ciso.getByRole('button', { name: '下載檢查包（zip）' }).click()]);
    const zip = await download.path();
    await ciso.getByRole('link', { name: '驗證檢查包' }).click();
    await ciso.getByLabel('檢查包檔案（.zip）').setInputFiles(zip);
    await ciso.getByRole('button', { name: '驗證', exact: true }).click();
    await expect.poll(() => ciso.locator('main').innerText()).toContain('本系統仍保有該稽核事件');
    const result = await ciso.locator('.verify-lines').innerText();
    expect(result).toContain('檢查包有效');
    expect(result).toContain('簽章金鑰指紋：');
    expect(await axeSerious(ciso)).toEqual([]);
  });

  it('a person registers a passkey, signs out, signs in with it, and confirms with it when asked again', async () => {
    // WebAuthn refuses an IP address as the relying party: this browser opens the same server as localhost.
    const base = server.base.replace('127.0.0.1', 'localhost');
    // The examiner signs in nowhere else here (a TOTP step is good once per account).
    const person = await signIn('examiner', base);
    const cdp = await person.context().newCDPSession(person);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
    await person.getByRole('link', { name: '我的登入安全' }).click();
    await expect.poll(() => person.locator('main').innerText()).toContain('尚未登錄通行金鑰');
    expect(await axeSerious(person)).toEqual([]);
    // Registering needs a fresh factor: the dialog asks for the authenticator code first.
    await server.staleFactor('examiner');
    await person.getByLabel('新通行金鑰名稱（例如：公司筆電）').fill('e2e 筆電');
    await person.getByRole('button', { name: '登錄通行金鑰' }).click();
    const dialog = person.getByRole('dialog', { name: '請再次驗證第二因素' });
    await dialog.waitFor();
    await dialog.getByLabel('驗證器代碼').fill(nextTotp(server.accounts.examiner!));
    await dialog.getByRole('button', { name: '驗證並繼續' }).click();
    await expect.poll(() => person.locator('main [role="status"]').innerText()).toBe('已登錄通行金鑰');
    await expect.poll(() => person.locator('table.passkeys tbody tr').count()).toBe(1);
    expect(await person.locator('table.passkeys tbody').innerText()).toContain('e2e 筆電');
    expect(await axeSerious(person)).toEqual([]);

    await person.getByRole('button', { name: '登出' }).click();
    await person.waitForURL(/\/login$/);
    const a = server.accounts.examiner!;
    await person.getByLabel('帳號').fill(a.username);
    await person.getByLabel('密碼').fill(a.password);
    await person.getByRole('button', { name: '登入' }).click();
    await person.getByRole('button', { name: '使用通行金鑰（Passkey）登入' }).click();
    await person.waitForURL(/\/dashboard$/);
    const session = (await (await person.request.get(`${base}/api/auth/session`)).json()) as { method: string };
    expect(session.method).toBe('password+webauthn');

    // Removing it needs a fresh factor again: this time the passkey answers the dialog.
    await server.staleFactor('examiner');
    await person.goto(`${base}/me/security`);
    await person.getByRole('button', { name: '移除通行金鑰 e2e 筆電' }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: '改用通行金鑰（Passkey）驗證' }).click();
    await expect.poll(() => person.locator('main [role="status"]').innerText()).toBe('已移除通行金鑰 e2e 筆電');
    await expect.poll(() => person.locator('main').innerText()).toContain('尚未登錄通行金鑰');
  });

  it('the administrator sets the retention (a bad number is named beside the field) and edits the profile as a form with per-field problems', async () => {
    admin = await signIn('admin');
    await admin.getByRole('link', { name: '保存年限' }).click();
    await expect.poll(() => admin.locator('main').innerText()).toContain('保存年限');
    const years = admin.getByLabel('保存年限（1–100 年的整數）');
    await years.fill('0');
    await admin.getByRole('button', { name: '儲存' }).click();
    await expect.poll(() => admin.locator('#retention-problem').innerText()).toContain('年數須介於 1 與 100 之間');
    expect(await years.getAttribute('aria-invalid')).toBe('true');
    expect(await axeSerious(admin)).toEqual([]);
    await years.fill('7');
    await admin.getByRole('button', { name: '儲存' }).click();
    await expect.poll(() => admin.locator('main [role="status"]').innerText()).toContain('已設定為 7 年');
    await expect.poll(() => admin.locator('.retention-current').innerText()).toBe('目前保存 7 年。');

    await admin.getByRole('link', { name: '公司基本資料' }).click();
    const rto = admin.getByLabel('復原時間目標 RTO（小時）').first();
    await rto.waitFor();
    const before = await rto.inputValue();
    await rto.fill('0');
    await admin.getByRole('button', { name: '儲存' }).click();
    await expect.poll(() => rto.getAttribute('aria-invalid')).toBe('true');
    const described = (await rto.getAttribute('aria-describedby'))!;
    expect(await admin.locator(`[id="${described}"]`).innerText()).toMatch(/rto_hours|RTO|0/);
    expect(await admin.locator('[role="alert"]').first().innerText()).toContain('PROFILE_INVALID');
    expect(await axeSerious(admin)).toEqual([]);
    await rto.fill(before);
    await admin.getByRole('button', { name: '儲存' }).click();
    await expect.poll(() => admin.locator('main [role="status"]').innerText()).toBe('已儲存');
    expect(await rto.getAttribute('aria-invalid')).toBeNull();
    // The JSON view shows the same profile for experts.
    await admin.getByRole('button', { name: '以 JSON 檢視與編輯（進階）' }).click();
    expect(await admin.getByLabel('公司基本資料 (JSON)').inputValue()).toContain(`"rto_hours": ${before}`);
  });

  it('every main page renders the demo firm with no serious or critical axe violation and no CSP refusal', async () => {
    const auditor = await signIn('auditor');
    const pages: [string, string][] = [
      [firmUrl('/calendar'), '訂閱行事曆'],
      [firmUrl('/runs'), '開始新的檢查'],
      [firmUrl('/findings'), '待改善'],
      [`${server.base}/catalog`, '2023-08-23'],
      [firmUrl('/profile'), '公司基本資料'],
      [`${server.base}/audit?firm=${server.firm.id}`, 'result'],
    ];
    for (const [url, text] of pages) {
      await auditor.goto(url);
      await expect.poll(() => auditor.locator('main').innerText(), { message: url }).toContain(text);
      expect(await axeSerious(auditor), url).toEqual([]);
    }
    await admin.goto(`${server.base}/people`);
    await expect.poll(() => admin.locator('main').innerText()).toContain('demo-officer');
    expect(await axeSerious(admin)).toEqual([]);
    // The only console errors allowed are the 4xx answers the pages show as messages.
    expect(watched.flat()).toEqual([]);
  });
});
