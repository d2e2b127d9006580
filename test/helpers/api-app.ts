import type { FastifyInstance, FastifyRequest, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import type { SessionPort } from '../../src/api/types.js';
import type { Actor } from '../../src/core/people/actor.js';
import type { Grant, Role } from '../../src/core/people/roles.js';
import { InspectionService, type Clock } from '../../src/services/inspection-service.js';
import { freshStore, type DialectUnderTest } from './databases.js';
import { internetTier1 } from './profiles.js';
import { tempDir } from './shared.js';

export const API_LICENCE = '金管證總字第0000號';
export const OTHER_LICENCE = '金管證總字第9999號';
export const NOW = '2026-11-27T02:00:00.000Z';
export const apiClock = (today = '2026-11-27', now = NOW): Clock => ({ now: () => now, today: () => today });

/** A clock the test moves: session timeouts and lockouts are tested by state, never by waiting. */
export class TestClock implements Clock {
  constructor(private t = Date.parse('2026-11-30T01:00:00.000Z')) {}
  now = () => new Date(this.t).toISOString();
  today = () => this.now().slice(0, 10);
  advance(minutes: number): void {
    this.t += minutes * 60_000;
  }
  ms(): number {
    return this.t;
  }
}

/** The header a test sends to be someone (until the sign-in stream's sessions land). */
export const ACTOR_HEADER = 'x-test-actor';

/**
 * A SessionPort for tests: the header names one of the given actors. A second factor is fresh
 * for everyone (checked at NOW) unless the actor says otherwise.
 */
export function headerSessions(actors: Readonly<Record<string, Actor>>): SessionPort {
  return {
    actorOf: (request: FastifyRequest) => {
      const name = request.headers[ACTOR_HEADER];
      return Promise.resolve(typeof name === 'string' ? (actors[name] ?? null) : null);
    },
  };
}

export function account(id: string, name: string, grants: readonly Grant[], factorAt: string | null = NOW): Actor {
  return { kind: 'account', id, name, grants, method: 'password+totp', factorAt };
}

export const grant = (role: Role, firmId: string | null): Grant => ({ role, firmId });

export interface ApiStore {
  readonly app: FastifyInstance;
  readonly s: InspectionService;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly firmId: string;
  readonly otherFirmId: string;
  close(): Promise<void>;
}

/**
 * A fresh store on one dialect with two firms (the test profile's and another), and the app on
 * it. `actors(firmId, otherFirmId)` says who the header may name.
 */
export async function apiStore(
  dialect: DialectUnderTest,
  actors: (firmId: string, otherFirmId: string) => Record<string, Actor>,
  options: { env?: NodeJS.ProcessEnv; clock?: Clock } = {},
): Promise<ApiStore> {
  const tmp = tempDir('ccheck-api-test-');
  const { env: storeEnv, drop } = await freshStore(dialect, tmp.dir);
  const env = { ...storeEnv, CCHECK_VAULT_KEY: Buffer.alloc(32, 7).toString('base64'), ...options.env };
  const clock = options.clock ?? apiClock();
  const s = await InspectionService.connect(tmp.dir, env, clock, { create: true });
  await s.init();
  const firm = await s.addFirm('setup', internetTier1());
  const base = internetTier1();
  const other = await s.addFirm('setup', { ...base, firm: { name: '其他證券', licence: OTHER_LICENCE } });
  const who = actors(firm.id, other.id);
  const app = await buildApp({ inspections: s, home: tmp.dir, env, clock, sessions: headerSessions(who), logger: false });
  await app.ready();
  await sendCsrfToken(app, Object.keys(who)[0]);
  return {
    app,
    s,
    home: tmp.dir,
    env,
    firmId: firm.id,
    otherFirmId: other.id,
    close: async () => {
      await app.close();
      await s.close();
      await drop();
      tmp.cleanup();
    },
  };
}

/**
 * Every changing route needs the CSRF token (the sign-in plugin checks it for every route): the
 * token a session gives (GET /api/auth/session) and its cookie go with every changing request
 * these tests send, as the pages send them. Tests of CSRF itself live in test/api/csrf-and-limits.
 */
export async function sendCsrfToken(app: FastifyInstance, actor: string | undefined): Promise<void> {
  if (actor === undefined) return;
  const res = await app.inject({ method: 'GET', url: '/api/auth/session', headers: { [ACTOR_HEADER]: actor } });
  const token = res.json<{ csrf_token?: string }>().csrf_token;
  const cookie = res.cookies.find((c) => c.name === 'ccheck_csrf');
  if (!token || !cookie) throw new Error(`no CSRF token from GET /api/auth/session (${res.statusCode})`);
  const inject = app.inject.bind(app) as (o: InjectOptions) => Promise<LightMyRequestResponse>;
  const withToken = (o: InjectOptions): InjectOptions => {
    if (!o.method || o.method === 'GET' || o.method === 'HEAD') return o;
    const headers = { 'x-csrf-token': token, ...(o.headers ?? {}) };
    const cookies = { ccheck_csrf: cookie.value, ...(o.cookies ?? {}) };
    return { ...o, headers, cookies };
  };
  (app as unknown as { inject: (o: InjectOptions) => Promise<LightMyRequestResponse> }).inject = (o: InjectOptions) => inject(withToken(o));
}
