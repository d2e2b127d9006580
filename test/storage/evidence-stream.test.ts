import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InspectionService, Clock } from '../../src/services/inspection-service.js';
import { DIALECTS, type DialectUnderTest } from '../helpers/databases.js';
import { freshService } from '../helpers/fresh-service.js';
import { internetTier1 } from '../helpers/profiles.js';

const clock: Clock = { now: () => '2026-11-27T02:00:00.000Z', today: () => '2026-11-27' };
const LICENCE = '金管證總字第0000號';

// Issue 10 item 5: evidence enters as a named stream; a file and an upload take the same path.
describe.each(DIALECTS)('evidence as a named stream on %s', { timeout: 60_000 }, (dialect: DialectUnderTest) => {
  let ctx: Awaited<ReturnType<typeof freshService>>;
  let s: InspectionService;
  beforeEach(async () => {
    ctx = await freshService(dialect, clock);
    s = ctx.s;
    await s.addFirm('alice', internetTier1());
  });
  afterEach(() => ctx.close());

  it('stores an upload (chunks from anywhere) encrypted and content-addressed, and a file of the same bytes reuses it', async () => {
    const body = Buffer.from('hostname,model,eol\nfw-core-01,ASA5516,2030-08-31\n'.repeat(1000));
    const sha = createHash('sha256').update(body).digest('hex');
    // An upload arrives as chunks cut anywhere (here 4 KiB), not as a file.
    const chunks = function* () {
      for (let i = 0; i < body.length; i += 4096) yield body.subarray(i, i + 4096);
    };
    const up = await s.addEvidenceStream('alice', LICENCE, { name: 'devices.csv', stream: Readable.from(chunks()) }, { collectedAt: '2026-11-20' });
    expect(up).toMatchObject({ reused: false, evidence: { sha256: sha, size: body.length, name: 'devices.csv', uploaded_by: 'alice' } });
    expect(s.vault().has(sha)).toBe(true);

    const file = path.join(ctx.dir, 'devices-copy.csv');
    writeFileSync(file, body);
    const again = await s.addEvidence('bob', LICENCE, file, { collectedAt: '2026-11-21' });
    expect(again).toMatchObject({ reused: true, evidence: { id: up.evidence.id } });
    const fromReadable = await s.addEvidenceStream('bob', LICENCE, { name: 'x.csv', stream: Readable.from([body]) }, { collectedAt: '2026-11-21' });
    expect(fromReadable.reused).toBe(true);
    expect(await s.listEvidence(up.evidence.firm_id)).toHaveLength(1);
  });
});
