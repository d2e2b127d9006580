import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InspectionService, type Clock } from '../../src/services/inspection-service.js';
import { DIALECTS, freshStore, type DialectUnderTest } from '../helpers/databases.js';
import { internetTier1 } from '../helpers/profiles.js';
import { tempDir } from '../helpers/shared.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
const clock: Clock = { now: () => '2026-11-27T02:00:00.000Z', today: () => '2026-11-27' };
const LICENCE = '金管證總字第0000號';

// Issue 10 item 5: evidence enters as a named stream; a file and an upload take the same path.
describe.each(DIALECTS)('evidence as a named stream on %s', { timeout: 60_000 }, (dialect: DialectUnderTest) => {
  let tmp: { dir: string; cleanup: () => void };
  let drop: () => Promise<void>;
  let s: InspectionService;
  beforeEach(async () => {
    tmp = tempDir();
    let env: NodeJS.ProcessEnv;
    ({ env, drop } = await freshStore(dialect, tmp.dir));
    env.CCHECK_VAULT_KEY = KEY;
    s = await InspectionService.connect(tmp.dir, env, clock, { create: true });
    await s.init();
    await s.addFirm('alice', internetTier1());
  });
  afterEach(async () => {
    await s.close();
    await drop();
    tmp.cleanup();
  });

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

    const file = path.join(tmp.dir, 'devices-copy.csv');
    writeFileSync(file, body);
    const again = await s.addEvidence('bob', LICENCE, file, { collectedAt: '2026-11-21' });
    expect(again).toMatchObject({ reused: true, evidence: { id: up.evidence.id } });
    const fromReadable = await s.addEvidenceStream('bob', LICENCE, { name: 'x.csv', stream: Readable.from([body]) }, { collectedAt: '2026-11-21' });
    expect(fromReadable.reused).toBe(true);
    expect(await s.listEvidence(up.evidence.firm_id)).toHaveLength(1);
  });
});
