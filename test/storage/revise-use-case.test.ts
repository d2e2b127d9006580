import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnalyzerReport } from '../../src/core/analysis/analyzer.js';
import type { Grant } from '../../src/core/people/roles.js';
import { httpStatusOf } from '../../src/core/error-table.js';
import { KyselyRunRepository } from '../../src/storage/repositories/run.repository.js';
import { recordAnalysis } from '../../src/services/use-cases/analysis.js';
import { reviseRun } from '../../src/services/use-cases/revise.js';
import type { Clock, InspectionService } from '../../src/services/inspection-service.js';
import { DIALECTS, type DialectUnderTest } from '../helpers/databases.js';
import { codeOfAsync } from '../helpers/errors.js';
import { freshService } from '../helpers/fresh-service.js';
import { internetTier1 } from '../helpers/profiles.js';
import { accountWith } from '../helpers/actors.js';

const clock: Clock = { now: () => '2026-11-27T02:00:00.000Z', today: () => '2026-11-27' };
const LICENCE = '金管證總字第0000號';
const PERIOD = '2026-11';
const ITEM = '7/(1)/b/(h)';
const account = (grants: Grant[]) => accountWith(grants, '林主管');

/** Issue 10 item 2: a signed run is corrected by its next revision, through the revise use case. */
describe.each(DIALECTS)('revising a signed run on %s', { timeout: 180_000 }, (dialect: DialectUnderTest) => {
  let ctx: Awaited<ReturnType<typeof freshService>>;
  let s: InspectionService;
  let firmId: string;
  const ref = { firm: LICENCE, period: PERIOD };

  beforeEach(async () => {
    ctx = await freshService(dialect, clock);
    s = ctx.s;
    firmId = (await s.addFirm('alice', internetTier1())).id;
    await s.startRun('alice', LICENCE, PERIOD);
    const file = path.join(ctx.dir, 'inventory.csv');
    writeFileSync(file, 'host,model,eol\nsw1,X,2030-01-01\n');
    const report = {
      analyzer: 'device-lifecycle',
      items: [ITEM],
      verdict: 'pass',
      scope: 1,
      summary: 'ok',
      summaryZh: '通過',
      findings: [],
    } satisfies AnalyzerReport;
    await recordAnalysis({ inspections: s }, account([{ role: 'officer', firmId }]), { ...ref, collectedAt: '2026-11-27', report, files: [file] });
    for (const r of (await s.results(LICENCE, PERIOD)).results.filter((r) => r.status !== 'not_applicable')) {
      const item = { ...ref, path: r.path };
      if (r.path !== ITEM)
        await s.setResult('alice', item, { status: 'pass', source: 'attestation', justification: 'checked on site', expiresOn: '2027-11-27' });
      await s.approve('bob', item);
    }
    await s.signRun('carol', ref, { role: 'ciso', authentication: 'local operator' });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await ctx.close();
  });

  it('copies every result with its evidence and the analyzer reports into revision 2, for an actor with run.revise on the firm', async () => {
    const signed = await s.run(LICENCE, PERIOD);
    expect(await codeOfAsync(reviseRun(s.deps, account([{ role: 'auditor', firmId: null }]), ref))).toBe('FORBIDDEN');
    expect(await codeOfAsync(reviseRun(s.deps, account([{ role: 'ciso', firmId: 'another-firm' }]), ref))).toBe('FORBIDDEN');
    const out = await reviseRun(s.deps, account([{ role: 'ciso', firmId }]), ref);
    expect(out).toMatchObject({ revision: 2, revises: signed.run.id });
    const [before, after] = [(await s.results(LICENCE, PERIOD, 1)).results, (await s.results(LICENCE, PERIOD, 2)).results];
    expect(after.map((r) => [r.path, r.status, r.evidence])).toEqual(before.map((r) => [r.path, r.status, r.evidence]));
    expect(after.find((r) => r.path === ITEM)!.evidence).toHaveLength(1);
    expect(after.every((r) => r.approval === null)).toBe(true);
    expect((await s.analyzerReports(out.run.id)).map((r) => r.analyzer)).toEqual(['device-lifecycle']);
    expect((await s.verifyAudit()).ok).toBe(true);
    // Revision 2 is not signed: it is corrected directly, not revised again.
    expect(await codeOfAsync(reviseRun(s.deps, account([{ role: 'ciso', firmId }]), ref))).toBe('RUN_NOT_SIGNED');
  });

  it('refuses to revise a revision another revise corrected meanwhile (RUN_REVISED, 409), and stores nothing', async () => {
    const ciso = account([{ role: 'ciso', firmId }]);
    // What a second caller read before the first revision landed: revision 1, signed, the latest.
    const stale = await s.deps.store.runs.forPeriod(firmId, PERIOD);
    expect(stale.map((r) => r.revision)).toEqual([1]);
    await reviseRun(s.deps, ciso, ref);
    const head = (await s.auditHead()).seq;
    // Its read outside the transaction is that stale one; inside, the transaction sees revision 2 and decides.
    vi.spyOn(KyselyRunRepository.prototype, 'forPeriod').mockResolvedValueOnce(stale);
    const err = await reviseRun(s.deps, ciso, ref).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RUN_REVISED', params: { period: PERIOD, revision: 1, latest: 2 } });
    expect(httpStatusOf('RUN_REVISED')).toBe(409);
    expect((await s.deps.store.runs.forPeriod(firmId, PERIOD)).map((r) => r.revision)).toEqual([1, 2]);
    expect((await s.auditHead()).seq).toBe(head);
  });
});
