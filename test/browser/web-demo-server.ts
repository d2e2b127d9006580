import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { cookieSessionPort } from '../../src/api/session-port.js';
import { localOperator } from '../../src/core/people/actor.js';
import { createDemoAccounts, type DemoAccount } from '../../src/services/demo-people.js';
import { runDemo } from '../../src/services/demo-service.js';
import { InspectionService, systemClock } from '../../src/services/inspection-service.js';
import { PeopleService } from '../../src/services/people-service.js';
import { AXE_URL, axeSource, ensureWebBuilt } from './web-helpers.js';

export interface DemoServer {
  readonly base: string;
  readonly firm: { id: string; licence: string; name: string };
  /** This month's inspection the demo started (Asia/Taipei). */
  readonly period: string;
  readonly accounts: Readonly<Record<string, DemoAccount>>;
  readonly app: FastifyInstance;
  /**
   * Makes a demo account's second factor stale, as if its last check were long ago: the next
   * approve, sign-off or passkey change answers FACTOR_NOT_FRESH and the page must ask again.
   * (The 300 s window itself stays as the core defines it; only this account's sessions age.)
   */
  staleFactor(role: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * What `ccheck serve --demo` starts, in this process: the demo firm and its inspection on a fresh
 * embedded SQLite store, one account per role (password + TOTP secret), the API and the built
 * pages on 127.0.0.1 and a free port. `extraGrants` adds roles to a demo account before start.
 */
export async function startDemoServer(extraGrants: Record<string, string[]> = {}): Promise<DemoServer> {
  const webRoot = ensureWebBuilt();
  // Not test/helpers' tempDir: that imports vitest, and the README screenshot script runs this too.
  const tmp = mkdtempSync(path.join(tmpdir(), 'ccheck-web-e2e-'));
  const dir = path.join(tmp, 'demo');
  const r = await runDemo(dir, {}, systemClock, { force: true, lang: 'zh-TW' });
  const env = { CCHECK_HOME: r.home, DATABASE_URL: path.join(r.home, 'ccheck.db') };
  const inspections = await InspectionService.connect(r.home, env, systemClock, { create: true });
  await inspections.init();
  const people = new PeopleService(inspections, env);
  const firm = (await inspections.listFirms())[0]!;
  const { created } = await createDemoAccounts(people, firm.id);
  const accounts = Object.fromEntries(created.map((a) => [a.role, a]));
  for (const [role, roles] of Object.entries(extraGrants)) {
    const grants = [role, ...roles].map((g) => ({ role: g, firm: firm.id }));
    await people.setGrants(localOperator('web e2e setup'), accounts[role]!.username, grants);
  }
  const app = await buildApp({ inspections, home: r.home, env, clock: systemClock, sessions: cookieSessionPort(people), people, webRoot, logger: false });
  // axe-core for the accessibility checks, from 'self' (the pages' CSP refuses inline scripts).
  const axe = axeSource();
  app.get(AXE_URL, (_req, reply) => reply.type('text/javascript').send(axe));
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    firm: { id: firm.id, licence: firm.licence, name: firm.name },
    period: r.period,
    accounts,
    app,
    staleFactor: async (role) => {
      const account = await inspections.db.selectFrom('accounts').select('id').where('username', '=', accounts[role]!.username).executeTakeFirstOrThrow();
      await inspections.db.updateTable('sessions').set({ factor_at: '2000-01-01T00:00:00.000Z' }).where('account_id', '=', account.id).execute();
    },
    close: async () => {
      await app.close();
      await inspections.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
