import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/people/actor.js';
import { DIALECTS } from '../helpers/databases.js';
import { FIXTURES } from '../helpers/shared.js';
import { account, ACTOR_HEADER, API_LICENCE, apiStore, grant, type ApiStore } from '../helpers/api-app.js';
import { expectNoInternals, multipart, type Sent } from './api-test-kit.js';

const PERIOD = '2026-11';
const ITEM = '7/(1)/a/(j)';
const enc = encodeURIComponent;
/** The upload cap of these tests (CCHECK_UPLOAD_MAX_BYTES): a signed package fits, one byte more than it does not. */
const CAP = 16 * 1024 * 1024;

describe.each(DIALECTS)('the inspection through the API (%s)', (dialect) => {
  let st: ApiStore;
  const bodies: { name: string; body: string; type: string }[] = [];
  const as = async (who: string, sent: Sent) => {
    const res = await st.app.inject({ ...sent, headers: { ...(sent.headers ?? {}), [ACTOR_HEADER]: who } });
    bodies.push({ name: `${sent.method} ${sent.url}`, body: res.body, type: String(res.headers['content-type'] ?? '') });
    return res;
  };
  const F = () => `/api/firms/${enc(API_LICENCE)}`;
  const result = (item = ITEM) => `${F()}/runs/${PERIOD}/items/${enc(item)}`;

  beforeEach(async () => {
    st = await apiStore(
      dialect,
      (firmId): Record<string, Actor> => ({
        officer: account('acc-officer', '王小明', [grant('officer', firmId)]),
        // Another account with the same display name: maker-checker compares accounts, not names.
        namesake: account('acc-namesake', '王小明', [grant('supervisor', firmId)]),
        // One person holding both roles on the firm may still never approve what they recorded.
        both: account('acc-both', '陳大文', [grant('officer', firmId), grant('supervisor', firmId)]),
        stale: account('acc-stale', '林主管', [grant('supervisor', firmId)], '2026-11-27T01:00:00.000Z'),
        ciso: account('acc-ciso', '張資安長', [grant('ciso', firmId)]),
        auditor: account('acc-auditor', '李稽核', [grant('auditor', firmId)]),
      }),
      { env: { CCHECK_UPLOAD_MAX_BYTES: String(CAP) } },
    );
    expect((await as('officer', { method: 'POST', url: `${F()}/runs`, payload: { period: PERIOD } })).statusCode).toBe(201);
  });
  afterEach(async () => {
    await st.close();
    for (const b of bodies) expectNoInternals(b.name, b.body, b.type, st.home);
    bodies.length = 0;
  });

  const record = (who: string, item = ITEM) =>
    as(who, { method: 'PUT', url: `${result(item)}/result`, payload: { status: 'pass', note: '已檢視設備清冊與汰換計畫', expires_on: '2027-05-31' } });

  it('refuses a supervisor approving what they recorded themselves (409 RESULT_SELF_APPROVAL, by account), and lets another account of the same name approve', async () => {
    expect((await record('both')).statusCode).toBe(200);
    const self = await as('both', { method: 'POST', url: `${result()}/approve` });
    expect(self.statusCode).toBe(409);
    expect(self.json<{ code: string }>().code).toBe('RESULT_SELF_APPROVAL');
    const rejectSelf = await as('both', { method: 'POST', url: `${result()}/reject`, payload: { reason: '自己的紀錄' } });
    expect(rejectSelf.json<{ code: string }>().code).toBe('RESULT_SELF_APPROVAL');

    expect((await record('officer')).statusCode).toBe(200);
    const other = await as('namesake', { method: 'POST', url: `${result()}/approve` });
    expect(other.statusCode).toBe(200);
    const run = await as('auditor', { method: 'GET', url: `${F()}/runs/${PERIOD}` });
    const it = run
      .json<{ items: { path: string; approval: { state: string; by: string } | null; result: { recorded_by: string } }[] }>()
      .items.find((i) => i.path === ITEM)!;
    expect(it.approval).toMatchObject({ state: 'approved', by: '王小明 [account acc-namesake]' });
    expect(it.result.recorded_by).toBe('王小明 [account acc-officer]');
  });

  it('asks for a fresh second factor to approve (403 FACTOR_NOT_FRESH)', async () => {
    await record('officer');
    const res = await as('stale', { method: 'POST', url: `${result()}/approve` });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ code: string }>().code).toBe('FACTOR_NOT_FRESH');
  });

  it('records a rejection with its reason on the run page until the officer records again', async () => {
    await record('officer');
    const rej = await as('namesake', { method: 'POST', url: `${result()}/reject`, payload: { reason: '證據日期不在本期' } });
    expect(rej.statusCode).toBe(200);
    const item = async () =>
      (await as('auditor', { method: 'GET', url: `${F()}/runs/${PERIOD}` }))
        .json<{ items: { path: string; rejection: { reason: string } | null }[] }>()
        .items.find((i) => i.path === ITEM)!;
    expect((await item()).rejection).toMatchObject({ reason: '證據日期不在本期', by: '王小明 [account acc-namesake]' });
    // The e-signature history carries the reason on the rejection row, and on no other row.
    const history = (await as('auditor', { method: 'GET', url: `${F()}/runs/${PERIOD}/signatures` })).json<{
      history: { action: string; role: string; reason: string | null }[];
    }>().history;
    expect(history.filter((h) => h.action === 'reject')).toMatchObject([{ role: 'reviewer', reason: '證據日期不在本期' }]);
    expect(history.filter((h) => h.action !== 'reject').every((h) => h.reason === null)).toBe(true);
    await as('officer', { method: 'PUT', url: `${result()}/result`, payload: { status: 'pass', note: '已補上本期之設備清冊', expires_on: '2027-05-31' } });
    expect((await item()).rejection).toBeNull();
    const audit = await as('auditor', { method: 'GET', url: `/api/audit?firm=${enc(API_LICENCE)}&limit=1000` });
    expect(audit.json<{ events: { action: string }[] }>().events.map((e) => e.action)).toContain('result.reject');
  });

  it('signs off a complete run, then refuses every write with 409 RUN_SIGNED; the package downloads and verifies; a revision is the correction', async () => {
    const { results } = await st.s.results(API_LICENCE, PERIOD);
    const officer = '王小明 [account acc-officer]';
    const supervisor = '王小明 [account acc-namesake]';
    for (const r of results.filter((x) => x.status === 'not_run')) {
      await st.s.setResult(
        officer,
        { firm: API_LICENCE, period: PERIOD, path: r.path },
        { status: 'pass', justification: '已檢視本期佐證資料', source: 'attestation', expiresOn: '2027-05-31' },
      );
      await st.s.approve(supervisor, { firm: API_LICENCE, period: PERIOD, path: r.path });
    }
    const up = await as(
      'officer',
      multipart('POST', `${F()}/evidence`, { collected_at: '2026-11-20' }, [{ name: 'file', filename: 'devices.csv', body: 'host,model\n' }]),
    );
    const sha = up.json<{ sha256: string }>().sha256;

    const sign = await as('ciso', { method: 'POST', url: `${F()}/runs/${PERIOD}/signoff` });
    expect(sign.statusCode).toBe(200);
    expect(sign.json<{ signoff: { signed: boolean; role: string; authentication: string } }>().signoff).toMatchObject({
      signed: true,
      role: 'ciso',
      authentication: 'password+totp',
    });

    const codeOf = (r: { json: <T>() => T }) => r.json<{ code: string }>().code;
    const writes = {
      result: await record('officer'),
      approve: await as('namesake', { method: 'POST', url: `${result()}/approve` }),
      reject: await as('namesake', { method: 'POST', url: `${result()}/reject`, payload: { reason: '簽核後不得退回' } }),
      attach: await as(
        'officer',
        multipart('POST', `${F()}/evidence`, { collected_at: '2026-11-20', period: PERIOD, item: ITEM }, [
          { name: 'file', filename: 'late.csv', body: 'late\n' },
        ]),
      ),
    };
    for (const [what, r] of Object.entries(writes)) expect([what, r.statusCode, codeOf(r)]).toEqual([what, 409, 'RUN_SIGNED']);
    // Long work refuses inside its job: the job ends failed with the same code.
    const job = await as('officer', { method: 'POST', url: `${F()}/runs/${PERIOD}/analyze`, payload: { analyzer: 'device-lifecycle', evidence: [sha] } });
    const ended = await waitForJob(job.json<{ job_id: string }>().job_id);
    expect(ended.json()).toMatchObject({ state: 'failed', error: { code: 'RUN_SIGNED' } });

    const zip = await as('auditor', { method: 'GET', url: `${F()}/runs/${PERIOD}/package.zip` });
    expect(zip.statusCode).toBe(200);
    expect(zip.headers['content-type']).toBe('application/zip');
    expect(zip.headers['content-disposition']).toContain(`filename*=UTF-8''${enc(`ccheck-package-${API_LICENCE}-${PERIOD}-r1.zip`)}`);
    const verified = await as('auditor', multipart('POST', '/api/packages/verify', {}, [{ name: 'file', filename: 'package.zip', body: zip.rawPayload }]));
    expect(verified.json()).toMatchObject({ ok: true, period: PERIOD, revision: 1, store: { checked: true, holds_head: true }, problems: [] });
    const tampered = Buffer.from(zip.rawPayload);
    const at = Math.floor(tampered.length / 2);
    tampered.writeUInt8(tampered.readUInt8(at) ^ 0xff, at);
    const bad = await as('auditor', multipart('POST', '/api/packages/verify', {}, [{ name: 'file', filename: 'package.zip', body: tampered }]));
    expect(bad.json<{ ok?: boolean; code?: string }>().ok ?? bad.json<{ code: string }>().code).not.toBe(true);

    // The same package as a job, for the page: the same bytes (the installation's copy), for its owner only.
    const pkgJob = await as('auditor', { method: 'POST', url: `${F()}/runs/${PERIOD}/package-jobs`, payload: {} });
    expect(pkgJob.statusCode).toBe(202);
    const pkgId = pkgJob.json<{ job_id: string }>().job_id;
    expect((await waitForJob(pkgId, 'auditor')).json()).toMatchObject({
      kind: 'package',
      state: 'done',
      progress: { done: 1, total: 1 },
      result: { name: `ccheck-package-${API_LICENCE}-${PERIOD}-r1.zip`, download: `/api/jobs/${pkgId}/download` },
    });
    const pkgDownload = await as('auditor', { method: 'GET', url: `/api/jobs/${pkgId}/download` });
    expect(pkgDownload.headers['content-type']).toBe('application/zip');
    expect(pkgDownload.rawPayload.equals(zip.rawPayload)).toBe(true);
    expect((await as('officer', { method: 'GET', url: `/api/jobs/${pkgId}/download` })).statusCode).toBe(404);

    const history = await as('auditor', { method: 'GET', url: `${F()}/runs/${PERIOD}/signatures` });
    expect(history.json<{ history: { action: string }[] }>().history.map((h) => h.action)).toContain('signoff');

    const revise = await as('ciso', { method: 'POST', url: `${F()}/runs/${PERIOD}/revise` });
    expect(revise.statusCode).toBe(201);
    expect(revise.json()).toMatchObject({ revision: 2 });
    expect((await record('officer')).statusCode).toBe(200);
    const signed = await as('auditor', { method: 'GET', url: `${F()}/runs/${PERIOD}?revision=1` });
    expect(signed.json<{ run: { signature: { signed: boolean } } }>().run.signature.signed).toBe(true);
  }, 180_000);

  async function waitForJob(id: string, who = 'officer') {
    for (;;) {
      const r = await as(who, { method: 'GET', url: `/api/jobs/${id}` });
      const state = r.json<{ state: string }>().state;
      if (state === 'done' || state === 'failed') return r;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it('streams an upload into the vault and back with its name; one byte over the cap is 413 INPUT_TOO_LARGE and keeps nothing', async () => {
    const body = Buffer.from('主機,型號,EOS\nfw01,PA-3220,2027-06-30\n'.repeat(200)).subarray(0, 4096);
    const up = await as(
      'officer',
      multipart('POST', `${F()}/evidence`, { collected_at: '2026-11-20', period: PERIOD, item: ITEM }, [{ name: 'file', filename: '設備清冊.csv', body }]),
    );
    expect(up.statusCode).toBe(201);
    const { sha256 } = up.json<{ sha256: string; attached_to: string }>();
    expect(up.json()).toMatchObject({ size: 4096, name: '設備清冊.csv', attached_to: ITEM });
    const down = await as('auditor', { method: 'GET', url: `${F()}/evidence/${sha256}` });
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(body)).toBe(true);
    expect(down.headers['content-disposition']).toContain(`filename*=UTF-8''${enc('設備清冊.csv')}`);

    const blobsBefore = vaultBlobs(st.home);
    const big = await as(
      'officer',
      multipart('POST', `${F()}/evidence`, { collected_at: '2026-11-20' }, [{ name: 'file', filename: 'big.log', body: Buffer.alloc(CAP + 1, 0x61) }]),
    );
    expect(big.statusCode).toBe(413);
    expect(big.json<{ code: string }>().code).toBe('INPUT_TOO_LARGE');
    expect(vaultBlobs(st.home)).toEqual(blobsBefore);
    expect(readdirSync(path.join(st.home, 'vault', 'tmp'))).toEqual([]);
    const list = await as('auditor', { method: 'GET', url: `${F()}/evidence` });
    expect(list.json<{ evidence: { name: string }[] }>().evidence.map((e) => e.name)).toEqual(['設備清冊.csv']);
  });

  it('runs an analyzer as a job with progress; only the person who started it sees the job', async () => {
    const cfg = readFileSync(path.join(FIXTURES, 'clocks', 'db01.ntpq.txt'));
    const start = await as(
      'officer',
      multipart('POST', `${F()}/runs/${PERIOD}/analyze`, { analyzer: 'clocks', collected_at: '2026-11-20' }, [
        { name: 'file', filename: 'db01.ntpq.txt', body: cfg },
      ]),
    );
    expect(start.statusCode).toBe(202);
    const id = start.json<{ job_id: string }>().job_id;
    const done = await waitForJob(id);
    expect(done.json()).toMatchObject({ kind: 'analyze', state: 'done', progress: { done: cfg.length, total: cfg.length }, result: { analyzer: 'clocks' } });
    const other = await as('auditor', { method: 'GET', url: `/api/jobs/${id}` });
    expect(other.statusCode).toBe(404);
    expect(other.json<{ code: string }>().code).toBe('JOB_NOT_FOUND');
    const unknown = await as('officer', { method: 'POST', url: `${F()}/runs/${PERIOD}/analyze`, payload: { analyzer: 'no-such', evidence: ['0'.repeat(64)] } });
    expect(unknown.statusCode).toBe(400);
  });

  it('makes a report as a job and hands its bytes to the person who started it only; a package job of an unsigned run fails with RUN_NOT_SIGNED', async () => {
    const start = await as('auditor', { method: 'POST', url: `${F()}/runs/${PERIOD}/report-jobs`, payload: { format: 'pdf', lang: 'en' } });
    expect(start.statusCode).toBe(202);
    const id = start.json<{ job_id: string }>().job_id;
    expect((await waitForJob(id, 'auditor')).json()).toMatchObject({
      kind: 'report',
      state: 'done',
      result: { name: `inspection-report-${API_LICENCE}-${PERIOD}.pdf`, content_type: 'application/pdf', download: `/api/jobs/${id}/download` },
    });
    const file = await as('auditor', { method: 'GET', url: `/api/jobs/${id}/download` });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(file.headers['content-disposition']).toContain(enc(`inspection-report-${API_LICENCE}-${PERIOD}.pdf`));
    const other = await as('officer', { method: 'GET', url: `/api/jobs/${id}/download` });
    expect([other.statusCode, other.json<{ code: string }>().code]).toEqual([404, 'JOB_NOT_FOUND']);
    const bad = await as('auditor', { method: 'POST', url: `${F()}/runs/${PERIOD}/report-jobs`, payload: { format: 'docx' } });
    expect(bad.statusCode).toBe(400);
    const pkg = await as('auditor', { method: 'POST', url: `${F()}/runs/${PERIOD}/package-jobs`, payload: {} });
    expect((await waitForJob(pkg.json<{ job_id: string }>().job_id, 'auditor')).json()).toMatchObject({ state: 'failed', error: { code: 'RUN_NOT_SIGNED' } });
  });

  it('checks a profile as the CLI does: every problem with its field, nothing stored', async () => {
    const admin = await apiAdmin();
    const res = await admin({
      method: 'POST',
      url: '/api/firms',
      payload: { profile: { firm: { name: 'X', licence: 'L-1' }, channels: ['internet', 'fax'], colocaton: true } },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ code: string; problems: { field: string }[] }>();
    expect(body.code).toBe('PROFILE_INVALID');
    expect(body.problems.map((p) => p.field)).toEqual(expect.arrayContaining(['channels[1]', 'colocaton', 'tier']));
    expect((await st.s.listFirms()).map((f) => f.licence)).not.toContain('L-1');
  });

  /** An administrator of every firm, added to this store's app for one test. */
  async function apiAdmin() {
    const { buildApp } = await import('../../src/api/app.js');
    const { headerSessions, sendCsrfToken } = await import('../helpers/api-app.js');
    const app = await buildApp({
      inspections: st.s,
      home: st.home,
      env: st.env,
      clock: st.s.clock,
      sessions: headerSessions({ admin: account('acc-admin', '系統管理員', [grant('admin', null)]) }),
      logger: false,
    });
    await app.ready();
    await sendCsrfToken(app, 'admin');
    return async (sent: Sent) => {
      const r = await app.inject({ ...sent, headers: { [ACTOR_HEADER]: 'admin' } });
      bodies.push({ name: `${sent.method} ${sent.url}`, body: r.body, type: String(r.headers['content-type'] ?? '') });
      await app.close();
      return r;
    };
  }
});

function vaultBlobs(home: string): string[] {
  const dir = path.join(home, 'vault');
  return readdirSync(dir)
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .flatMap((d) => readdirSync(path.join(dir, d)))
    .sort();
}
