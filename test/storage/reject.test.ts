import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/core/errors.js';
import type { InspectionService, Clock } from '../../src/services/inspection-service.js';
import { exportPackage } from '../helpers/export-package.js';
import { DIALECTS, type DialectUnderTest } from '../helpers/databases.js';
import { freshService } from '../helpers/fresh-service.js';
import { pdfText } from '../helpers/pdf-text.js';
import { codeOfAsync } from '../helpers/errors.js';
import { internetTier1 } from '../helpers/profiles.js';
import { zipEntries } from '../helpers/zip.js';
import path from 'node:path';

const clock: Clock = { now: () => '2026-11-27T02:00:00.000Z', today: () => '2026-11-27' };
const LICENCE = '金管證總字第0000號';
const PERIOD = '2026-11';
const ITEM = '7/(1)/a/(j)';
const REASON = 'the device inventory is from 2025';

// Issue 12 item 3: a supervisor rejects a recorded result with a reason; the item goes back to
// the officer; the rejection is in the audit trail and in the e-signature history.
describe.each(DIALECTS)('rejecting a result on %s', { timeout: 120_000 }, (dialect: DialectUnderTest) => {
  let ctx: Awaited<ReturnType<typeof freshService>>;
  let s: InspectionService;
  beforeEach(async () => {
    ctx = await freshService(dialect, clock);
    s = ctx.s;
    await s.addFirm('alice', internetTier1());
    await s.startRun('alice', LICENCE, PERIOD);
  });
  afterEach(() => ctx.close());
  const ref = { firm: LICENCE, period: PERIOD, path: ITEM };
  const attest = (who: string, justification = 'no EOL devices found') =>
    s.setResult(who, ref, { status: 'pass', source: 'attestation', justification, expiresOn: '2027-11-27' });

  it('needs a reason, is never the recorder’s own, and sends the item back until it is recorded again', async () => {
    expect(await codeOfAsync(s.reject('bob', { ...ref, reason: REASON }))).toBe('RESULT_INVALID'); // nothing recorded yet
    await attest('alice');
    expect(await codeOfAsync(s.reject('ALICE', { ...ref, reason: REASON }))).toBe('RESULT_SELF_APPROVAL');
    expect(await codeOfAsync(s.reject('bob', { ...ref, reason: 'no' }))).toBe('RESULT_INVALID');
    const r = await s.reject('bob', { ...ref, reason: REASON });
    expect(r).toMatchObject({ kind: 'reject', by: 'bob', reason: REASON });

    const shown = (await s.results(LICENCE, PERIOD)).results.find((x) => x.path === ITEM)!;
    expect(shown.approval).toEqual({ state: 'rejected', by: 'bob', at: clock.now(), reason: REASON });
    expect(shown.status).toBe('pass'); // the content stays as recorded; the review says it went back
    const events = await s.db.selectFrom('audit_events').select(['action', 'actor']).where('action', '=', 'result.reject').execute();
    expect(events).toEqual([{ action: 'result.reject', actor: 'bob' }]);
    expect((await s.verifyAudit()).ok).toBe(true);

    // The officer corrects it: the rejection no longer counts, the correction awaits a review.
    await attest('alice', 'inventory of 2026-11-20 checked');
    expect((await s.results(LICENCE, PERIOD)).results.find((x) => x.path === ITEM)!.approval).toBeNull();
    await s.approve('bob', ref);
    expect((await s.results(LICENCE, PERIOD)).results.find((x) => x.path === ITEM)!.approval?.state).toBe('approved');
  });

  it('blocks the sign-off while rejected, and the e-signature history (PDF and CSV) lists it with its reason', async () => {
    const { results } = await s.results(LICENCE, PERIOD);
    for (const x of results) {
      if (x.status === 'not_applicable') continue;
      const item = { firm: LICENCE, period: PERIOD, path: x.path };
      await s.setResult('alice', item, { status: 'pass', source: 'attestation', justification: 'checked on site', expiresOn: '2027-11-27' });
      if (x.path !== ITEM) await s.approve('bob', item);
    }
    await s.reject('bob', { ...ref, reason: REASON });
    const blocked = await s.signRun('carol', { firm: LICENCE, period: PERIOD }, { role: 'ciso', authentication: 'local' }).catch((e: CoreError) => e);
    expect(blocked).toBeInstanceOf(CoreError);
    expect((blocked as CoreError).params.items).toEqual([`${ITEM} (rejected)`]);

    await attest('alice', 'inventory of 2026-11-20 checked');
    await s.approve('bob', ref);
    await s.signRun('carol', { firm: LICENCE, period: PERIOD }, { role: 'ciso', authentication: 'local' });
    const { history } = await s.signatureHistory((await s.run(LICENCE, PERIOD)).run);
    const rejection = history.filter((e) => e.action === 'reject');
    expect(rejection).toEqual([expect.objectContaining({ actor: 'bob', role: 'reviewer', item: ITEM, reason: REASON })]);
    // In chain order: recorded, rejected, recorded again, approved.
    expect(history.filter((e) => e.item === ITEM).map((e) => e.action)).toEqual(['record', 'reject', 'record', 'approve']);

    const archive = path.join(ctx.dir, 'package.zip');
    await exportPackage(s, { firm: LICENCE, period: PERIOD }, archive, 'en');
    const entries = await zipEntries(archive);
    expect(entries.get('signature-history.csv')!.toString('utf8')).toContain(`rejected: ${REASON}`);
    expect(pdfText(entries.get(`report/inspection-report-${PERIOD}-r1.pdf`)!)).toContain(REASON);
  });
});
