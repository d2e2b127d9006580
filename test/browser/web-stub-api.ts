import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import { CoreError } from '../../src/core/errors.js';
import type { Actor } from '../../src/core/people/actor.js';

/**
 * The API answers the pages expect, shaped exactly as the examples of docs/API.md (api stream)
 * and the auth routes of the contract. The page tests run against these until the real routes
 * are merged; the maker-checker and fresh-factor refusals answer as the real server does
 * (409 RESULT_SELF_APPROVAL once, 403 FACTOR_NOT_FRESH until /api/auth/reauth).
 */
export const FIRM = { id: 'f-1', name: '範例證券股份有限公司', licence: '0000', created_at: '2026-11-01T01:00:00.000Z' };
const PERIOD = '2026-11';

export function stubActor(): Actor {
  return {
    kind: 'account',
    id: 'acc-1',
    name: '林承辦',
    grants: (['officer', 'supervisor', 'ciso', 'auditor', 'admin'] as const).map((role) => ({ role, firmId: null })),
    method: 'password+totp',
    factorAt: new Date().toISOString(),
  };
}

export interface StubState {
  logins: string[];
  totpCodes: string[];
  csrfSeen: string[];
  uploads: string[];
  results: { path: string; status: string }[];
  approveCalls: number;
  reauthCodes: string[];
  signedOff: boolean;
}

const item = (path: string, title: string, over: Record<string, unknown> = {}) => ({
  path,
  code: 'CC-17010',
  title,
  text: `${title}：證券商應訂定相關規範並定期檢視。`,
  applies: true,
  why: '7/(1) 適用於經營電子下單業務之證券商',
  result: null,
  approval: null,
  evidence: [],
  analyzer: null,
  ...over,
});

export function registerStubApi(app: FastifyInstance, state: StubState): void {
  const pub = { config: { access: { public: true as const } } };
  const read = { config: { access: { action: 'firm.read' as const } } };
  const items = () => [
    item('7/(1)/a/(j)', '網路設備生命週期', {
      result: {
        status: 'fail',
        effective_status: 'fail',
        source: 'analyzer',
        justification: '2 台設備已停止支援',
        expires_on: null,
        recorded_by: '分析程式',
        recorded_at: '2026-11-20T02:00:00.000Z',
      },
      analyzer: {
        verdicts: [{ analyzer: 'device-lifecycle', verdict: 'fail' }],
        findings: [{ analyzer: 'device-lifecycle', severity: 'high', message: 'FW-02 已過 EOS 日期', rows: ['devices.csv:3'] }],
      },
      evidence: [{ sha256: 'a'.repeat(64), name: 'devices.csv', size: 2048, collected_at: '2026-11-20' }],
    }),
    item('7/(1)/b/(h)', '防火牆規則檢視', {
      result: state.results.length
        ? {
            status: 'pass',
            effective_status: 'pass',
            source: 'attestation',
            justification: '已檢視',
            recorded_by: '林承辦',
            recorded_at: '2026-11-30T03:00:00.000Z',
          }
        : null,
      approval: state.signedOff ? { state: 'approved', by: '王主管', at: '2026-11-30T04:00:00.000Z' } : null,
    }),
    item('7/(1)/c/(c)', '遠端登入之多因子驗證'),
    item('14', '共置機房', { applies: false, why: '本公司未使用共置服務' }),
  ];
  const counts = { compliant: 30, non_compliant: 4, undetermined: 10, excluded: 4, total: 48 };

  app.get('/api/auth/session', { config: { access: { signedIn: true } } }, () => ({
    account: {
      id: 'acc-1',
      username: 'officer',
      display_name: '林承辦',
      grants: [
        { role: 'officer', firm_id: null },
        { role: 'admin', firm_id: null },
      ],
    },
    csrf_token: 'stub-token',
    idle_expires_at: '2026-11-30T05:00:00.000Z',
    expires_at: '2026-11-30T12:00:00.000Z',
    factor_at: '2026-11-30T03:00:00.000Z',
  }));
  app.get('/api/setup', pub, () => ({ needs_admin: true }));
  app.post<{ Body: { username: string; password: string } }>('/api/auth/login', pub, (req, reply) => {
    state.logins.push(req.body.username);
    if (req.body.password !== 'correct horse') return reply.status(401).send({ code: 'AUTH_INVALID_CREDENTIALS', message: 'wrong username or password' });
    return {
      stage: 'second_factor',
      methods: ['totp', 'recovery'],
      account: { id: 'acc-1', username: 'officer', display_name: '林承辦' },
      csrf_token: 'step-2',
    };
  });
  app.post<{ Body: { code: string } }>('/api/auth/totp', pub, (req, reply) => {
    state.csrfSeen.push(String(req.headers['x-csrf-token']));
    state.totpCodes.push(req.body.code);
    return reply.send({ stage: 'signed_in', account: { id: 'acc-1', username: 'officer', display_name: '林承辦' }, csrf_token: 'step-3' });
  });
  app.post('/api/me/totp/enrol', pub, async () => ({
    otpauth_url: 'otpauth://totp/ccheck:officer?secret=JBSWY3DPEHPK3PXP&issuer=ccheck',
    qr_svg: await QRCode.toString('otpauth://totp/ccheck:officer?secret=JBSWY3DPEHPK3PXP&issuer=ccheck', { type: 'svg' }),
  }));
  app.post('/api/me/totp/confirm', pub, () => ({ recovery_codes: Array.from({ length: 10 }, (_, i) => `abcd-efg${i}`) }));
  app.post<{ Body: { code: string } }>('/api/auth/reauth', { config: { access: { signedIn: true } } }, (req) => {
    state.reauthCodes.push(req.body.code);
    return { factor_at: new Date().toISOString() };
  });
  app.get('/api/firms', read, () => ({ firms: [FIRM] }));
  app.get('/api/firms/:firm', read, () => ({
    firm: { ...FIRM, retention_years: 10 },
    profile: { firm: { name: FIRM.name, licence: FIRM.licence }, channels: ['internet'], tier: 1, class: 1, colocation: false },
    applicability: { version: '2023-08-23', applies: 212, not_applicable: 31 },
  }));
  app.put('/api/firms/:firm/profile', { config: { access: { action: 'firm.edit' } } }, () => {
    throw new CoreError('PROFILE_INVALID', 'the profile has 1 problem', {}, { field: 'tier' });
  });
  app.get('/api/firms/:firm/dashboard', { config: { access: { action: 'report.read' } } }, () => ({
    firm: FIRM,
    latest_period: PERIOD,
    by_point: ['1', '7', '8', '10', '14'].map((point, i) => ({ point, ...counts, compliant: counts.compliant - i * 3 })),
    by_code: [{ code: 'CC-17010', ...counts }],
    trend: ['2026-08', '2026-09', '2026-10', PERIOD].map((period, i) => ({
      period,
      revision: 1,
      signed: i < 3,
      ...counts,
      rate: state.signedOff && period === PERIOD ? 0.95 : 0.6 + i * 0.08,
    })),
    overdue: [{ path: '7/(1)/c/(a)', period: '2026-10', due: '2026-10-31', status: 'not_run' }],
    findings_by_age: [
      { bucket: '0-30', count: 2 },
      { bucket: '31-90', count: 1 },
      { bucket: '91-180', count: 0 },
      { bucket: '181+', count: 1 },
    ],
    catalog_change: { from: 'before-2023-08-23', to: '2023-08-23', added: 12, modified: 30, renumbered: 8, removed: 1, changes: [] },
  }));
  // Whatever month the page shows (it opens on today's), two items fall due in it.
  app.get<{ Querystring: { from: string } }>('/api/firms/:firm/plan', read, (req) => {
    const month = req.query.from.slice(0, 7);
    return {
      version: '2023-08-23',
      entries: [
        { path: '7/(1)/a/(a)', code: 'CC-17010', title: '資產盤點', frequency: 'monthly', period: month, due: `${month}-28`, status: 'due' },
        { path: '7/(1)/c/(a)', code: 'CC-17010', title: '帳號權限覆核', frequency: 'monthly', period: month, due: `${month}-10`, status: 'overdue' },
      ],
      next: [],
    };
  });
  app.get('/api/firms/:firm/runs', read, () => ({
    runs: [
      { id: 'r-2', period: PERIOD, revision: 1, signed: state.signedOff },
      { id: 'r-1', period: '2026-10', revision: 1, signed: true },
    ],
  }));
  app.get('/api/firms/:firm/runs/:period', read, () => ({
    run: {
      id: 'r-2',
      period: PERIOD,
      catalog_version: '2023-08-23',
      signature: state.signedOff
        ? { signed: true, revision: 1, revises: null, signed_by: '陳資安長', signed_at: '2026-11-30T06:00:00.000Z' }
        : { signed: false, revision: 1, revises: null, signed_by: null, signed_at: null },
    },
    items: items(),
  }));
  app.put<{ Params: { path: string }; Body: { status: string } }>(
    '/api/firms/:firm/runs/:period/items/:path/result',
    { config: { access: { action: 'result.record' } } },
    (req) => {
      state.results.push({ path: req.params.path, status: req.body.status });
      return { result: { status: req.body.status }, finding: null };
    },
  );
  app.post('/api/firms/:firm/runs/:period/items/:path/approve', { config: { access: { action: 'result.approve' } } }, () => {
    state.approveCalls += 1;
    throw new CoreError('RESULT_SELF_APPROVAL', 'the recorder of a result may not approve it', { actor: '林承辦' });
  });
  app.post('/api/firms/:firm/runs/:period/signoff', { config: { access: { action: 'run.signoff' } } }, (_req, reply) => {
    if (state.reauthCodes.length === 0) throw new CoreError('FACTOR_NOT_FRESH', 'confirm your second factor again', {});
    state.signedOff = true;
    return reply.send({ signoff: { by: '陳資安長', at: '2026-11-30T06:00:00.000Z', role: 'ciso' }, revision: 1 });
  });
  // The stub keeps the raw multipart body only to see that the file and its fields arrived.
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post<{ Body: Buffer }>('/api/firms/:firm/evidence', { config: { access: { action: 'evidence.upload' } } }, (req) => {
    const body = req.body.toString('utf8');
    state.uploads.push(body);
    return { sha256: 'b'.repeat(64), size: body.length, name: 'fw.cfg', reused: false, attached_to: '7/(1)/b/(h)' };
  });
  app.get('/api/firms/:firm/findings', read, () => ({
    findings: [
      {
        id: 'fd-1',
        path: '7/(1)/a/(j)',
        period: PERIOD,
        severity: 'high',
        status: 'open',
        owner: null,
        due_on: null,
        opened_at: '2026-11-20T02:00:00.000Z',
        repeat_of: 'fd-0',
        age_days: 10,
      },
      {
        id: 'fd-2',
        path: '8/(2)/f',
        period: '2026-10',
        severity: 'medium',
        status: 'in_progress',
        owner: '張工程師',
        due_on: '2026-12-15',
        opened_at: '2026-10-25T02:00:00.000Z',
        repeat_of: null,
        age_days: 36,
      },
    ],
  }));
  app.get('/api/catalog/versions', { config: { access: { action: 'catalog.read' } } }, () => ({
    versions: [
      { id: 'before-2023-08-23', hash: 'sha256:1', title: '修正前', effective_date: '2020-01-01', nodes: 240 },
      { id: '2023-08-23', hash: 'sha256:2', title: '112 年修正', effective_date: '2023-08-23', nodes: 251 },
    ],
  }));
  app.get('/api/catalog/diff', { config: { access: { action: 'catalog.read' } } }, () => ({
    from: 'before-2023-08-23',
    to: '2023-08-23',
    changes: [
      {
        kind: 'modified',
        path: '7/(1)/d/(a)',
        old_path: '7/(1)/d/(a)',
        before: { title: '密碼', text: '密碼長度至少 6 碼' },
        after: { title: '密碼', text: '密碼長度至少 8 碼' },
        rationale: '配合主管機關規範',
      },
      { kind: 'added', path: '7/(1)/j/(g)', old_path: null, before: null, after: { title: '自動化登入攻擊', text: '應偵測自動化登入嘗試' }, rationale: null },
    ],
  }));
  app.get('/api/people', { config: { access: { action: 'people.read' } } }, () => ({
    people: [
      { id: 'acc-1', username: 'officer', display_name: '林承辦', disabled: false, grants: [{ role: 'officer', firm_id: FIRM.id }] },
      { id: 'acc-2', username: 'supervisor', display_name: '王主管', disabled: false, grants: [{ role: 'supervisor', firm_id: FIRM.id }] },
    ],
  }));
  app.get('/api/audit', { config: { access: { action: 'audit.read' } } }, () => ({
    events: [
      { seq: 1, at: '2026-11-20T02:00:00.000Z', actor: '林承辦 [account acc-1]', action: 'result.record', entity: 'item_result', entity_id: 'r-2:7/(1)/b/(h)' },
      {
        seq: 2,
        at: '2026-11-20T02:05:00.000Z',
        actor: '王主管 [account acc-2]',
        action: 'result.approve',
        entity: 'item_result',
        entity_id: 'r-2:7/(1)/b/(h)',
      },
    ],
    next_after: null,
  }));
  app.post('/api/audit/verify', { config: { access: { action: 'audit.verify' } } }, () => ({ ok: true, events: 2, head: 'c'.repeat(64), problems: [] }));
}
