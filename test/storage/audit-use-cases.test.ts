import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Grant } from '../../src/core/people/roles.js';
import type { InspectionService, Clock } from '../../src/services/inspection-service.js';
import { backupStore, listAuditEvents, restoreStore, verifyAudit } from '../../src/services/use-cases/audit.js';
import { DIALECTS, type DialectUnderTest } from '../helpers/databases.js';
import { freshService } from '../helpers/fresh-service.js';
import { internetTier1 } from '../helpers/profiles.js';
import { accountWith } from '../helpers/actors.js';
import { codeOf } from '../helpers/errors.js';

const clock: Clock = { now: () => '2026-11-27T02:00:00.000Z', today: () => '2026-11-27' };
const LICENCE = '金管證總字第0000號';
const account = (grants: Grant[]) => accountWith(grants, '讀者');

/** Issue 10 item 2: the audit trail and the whole-store backup as use cases checked against the role table. */
describe.each(DIALECTS)('audit and backup use cases on %s', { timeout: 180_000 }, (dialect: DialectUnderTest) => {
  let s: InspectionService;
  let dir: string;
  let close: () => Promise<void>;
  let firmId: string;

  beforeEach(async () => {
    const fresh = await freshService(dialect, clock);
    ({ s, dir } = fresh);
    close = () => fresh.close();
    await s.addFirm('alice', internetTier1());
    firmId = (await s.firm(LICENCE)).id;
    await s.startRun('alice', LICENCE, '2026-11');
  });
  afterEach(async () => close());

  const deps = () => ({ inspections: s });

  it('verifies the chain for an actor whose audit.verify spans every firm, and only for them', async () => {
    const r = await verifyAudit(deps(), account([{ role: 'auditor', firmId: null }]));
    expect(r.ok).toBe(true);
    expect(r.events).toBeGreaterThan(0);
    expect(await codeOf(() => verifyAudit(deps(), account([{ role: 'auditor', firmId }])))).toBe('FORBIDDEN');
    expect(await codeOf(() => verifyAudit(deps(), account([{ role: 'officer', firmId: null }])))).toBe('FORBIDDEN');
  });

  it("lists a firm's events with audit.read on it; the whole trail needs every firm", async () => {
    const oneFirm = account([{ role: 'supervisor', firmId }]);
    const events = await listAuditEvents(deps(), oneFirm, { firmId, limit: 1000 });
    expect(events.some((e) => e.entity === 'inspection_runs')).toBe(true);
    expect(await codeOf(() => listAuditEvents(deps(), oneFirm, { limit: 10 }))).toBe('FORBIDDEN');
    expect(await codeOf(() => listAuditEvents(deps(), account([{ role: 'officer', firmId }]), { firmId, limit: 10 }))).toBe('FORBIDDEN');
    expect((await listAuditEvents(deps(), account([{ role: 'examiner', firmId: null }]), { limit: 1000 })).length).toBeGreaterThanOrEqual(events.length);
  });

  it('backs up and restores only for the administrator (backups hold every firm’s evidence); nothing is written when refused', async () => {
    const target = path.join(dir, 'backup-refused');
    for (const role of ['officer', 'ciso', 'auditor', 'examiner', 'supervisor'] as const)
      expect(await codeOf(() => backupStore(deps(), account([{ role, firmId: null }]), target))).toBe('FORBIDDEN');
    expect(await codeOf(() => backupStore(deps(), account([{ role: 'admin', firmId }]), target))).toBe('FORBIDDEN');
    expect(existsSync(target)).toBe(false);
    const ok = path.join(dir, 'backup-ok');
    const m = await backupStore(deps(), account([{ role: 'admin', firmId: null }]), ok);
    expect(m.tables.reduce((a, t) => a + t.rows, 0)).toBeGreaterThan(0);
    expect(readdirSync(ok).length).toBeGreaterThan(0);
    expect(await codeOf(() => restoreStore(deps(), account([{ role: 'ciso', firmId: null }]), ok))).toBe('FORBIDDEN');
  });
});
