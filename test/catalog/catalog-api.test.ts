import { afterEach, describe, expect, it } from 'vitest';
import { createCatalogVersion, type CatalogVersion } from '../../src/core/catalog/catalog-version.js';
import { offlineCatalogStore } from '../../src/services/catalog-service.js';
import { InspectionService } from '../../src/services/inspection-service.js';
import { account, ACTOR_HEADER, apiClock, apiStore, grant, type ApiStore } from '../helpers/api-app.js';
import { DIALECTS, type DialectUnderTest } from '../helpers/databases.js';

const shipped = (await offlineCatalogStore('/nonexistent-ccheck-home').get('2023-08-23')).version;

function variant(id: string): CatalogVersion {
  const s = shipped;
  const content = { effectiveDate: '2026-12-01', effectiveDateNote: null, basis: s.basis, source: s.source, truncatedAfter: s.truncatedAfter };
  return createCatalogVersion(id, { ...content, corrections: s.corrections, nodes: s.nodes, title: `firm copy ${id}` });
}

describe.each(DIALECTS)('the API server sees a version another process imported, on %s (ADR-0003)', { timeout: 120_000 }, (dialect: DialectUnderTest) => {
  let st: ApiStore | undefined;
  let other: InspectionService | undefined;
  afterEach(async () => {
    await other?.close();
    await st?.close();
  });

  it('lists it, serves it, and diffs against it without a restart', async () => {
    st = await apiStore(dialect, (firmId) => ({ officer: account('o', 'o', [grant('officer', firmId)]) }));
    const get = async (url: string) => {
      const res = await st!.app.inject({ method: 'GET', url, headers: { [ACTOR_HEADER]: 'officer' } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<Record<string, unknown>>();
    };
    const ids = async () => ((await get('/api/catalog/versions')).versions as { id: string }[]).map((v) => v.id);
    expect(await ids()).toEqual(['before-2023-08-23', '2023-08-23']);
    // Another process on the same database (a second server, or the CLI) imports a version.
    other = await InspectionService.connect(st.home, st.env, apiClock());
    await other.catalog.save([variant('firm-2026')], 'alice');
    expect(await ids()).toEqual(['before-2023-08-23', '2023-08-23', 'firm-2026']);
    expect(((await get('/api/catalog/versions/firm-2026')).version as { title: string }).title).toBe('firm copy firm-2026');
    expect(await get('/api/catalog/diff?from=2023-08-23&to=firm-2026')).toMatchObject({ from: '2023-08-23', to: 'firm-2026', changes: [] }); // same items
    // The latest in force is now the import: a run started by the server freezes it.
    expect((await st.s.startRun('setup', st.firmId, '2026-12')).run.catalog_version_id).toBe('firm-2026');
  });
});
