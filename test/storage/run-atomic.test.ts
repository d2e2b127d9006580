import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/core/errors.js';
import { packageRoot } from '../../src/io/catalog-data.js';
import { InspectionService, type Clock } from '../../src/services/inspection-service.js';
import { runFromFiles } from '../../src/services/run-service.js';
import { DIALECTS, freshStore, type DialectUnderTest } from '../helpers/databases.js';
import { tempDir } from '../helpers/shared.js';

const clock: Clock = { now: () => '2026-11-27T02:00:00.000Z', today: () => '2026-11-27' };
const profile = path.join(packageRoot(), 'data', 'templates', 'firm-profile.yaml');

describe.each(DIALECTS)('ccheck run in one transaction on %s (issue 15 item 3)', (dialect: DialectUnderTest) => {
  let tmp: { dir: string; cleanup: () => void };
  let s: InspectionService;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    tmp = tempDir();
    const store = await freshStore(dialect, tmp.dir);
    drop = store.drop;
    s = await InspectionService.connect(tmp.dir, { ...store.env, CCHECK_VAULT_KEY: Buffer.alloc(32, 3).toString('base64') }, clock, { create: true });
    await s.init();
  });
  afterEach(async () => {
    await s.close();
    await drop();
    tmp.cleanup();
  });

  it('rolls back the firm, the run, the analyzer results and the first attestation when a later attestation fails', async () => {
    const ev = path.join(tmp.dir, 'ev');
    mkdirSync(ev);
    copyFileSync(path.join(packageRoot(), 'data', 'demo', 'devices.csv'), path.join(ev, 'devices.csv'));
    writeFileSync(path.join(ev, 'policy.txt'), '遠端連線管理辦法 v3\n');
    const attest = (item: string) => [
      `  - path: ${item}`,
      '    status: pass',
      '    justification: 管理辦法已覆核',
      '    evidence: [policy.txt]',
      '    expires_on: 2027-06-30',
    ];
    writeFileSync(
      path.join(ev, 'ccheck-evidence.yaml'),
      ['analyzers:', '  device-lifecycle: { files: [devices.csv] }', 'attestations:', ...attest('7/(1)/a/(h)'), ...attest('9/(9)/z'), ''].join('\n'),
    );
    let err: unknown;
    try {
      await runFromFiles(s, { profileFile: profile, evidenceDir: ev, actor: 'officer' });
    } catch (e) {
      err = e;
    }
    expect((err as CoreError).code).toBe('RUN_ITEM_NOT_IN_RUN');
    expect(await s.listFirms()).toEqual([]);
    expect(await s.listRuns()).toEqual([]);
    expect(await s.db.selectFrom('evidence').selectAll().execute()).toEqual([]);
    expect(await s.db.selectFrom('analyzer_reports').selectAll().execute()).toEqual([]);
    expect(await s.verifyAudit()).toMatchObject({ ok: true, events: 0 });
    // The evidence files were stored first: content-addressed, harmless, reused by the next run.
    expect(s.vault().list().length).toBe(2);
  });
});
