import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCatalogVersion, type CatalogVersion } from '../../src/core/catalog/catalog-version.js';
import { CoreError } from '../../src/core/errors.js';
import { offlineCatalogStore } from '../../src/services/catalog-service.js';
import { InspectionService, type Clock } from '../../src/services/inspection-service.js';
import { MOVED_SUFFIX, serializeVersion } from '../../src/storage/catalog-store.js';
import { DIALECTS, freshStore, type DialectUnderTest } from '../helpers/databases.js';
import { tempDir } from '../helpers/shared.js';

const clock: Clock = { now: () => '2026-11-30T02:00:00.000Z', today: () => '2026-11-30' };
const shipped = (await offlineCatalogStore('/nonexistent-ccheck-home').get('2023-08-23')).version;

/** A version of other content (its title differs from the shipped one's), under `id`. */
function variant(id: string, title = `firm copy ${id}`): CatalogVersion {
  const s = shipped;
  const content = {
    effectiveDate: s.effectiveDate,
    effectiveDateNote: s.effectiveDateNote,
    basis: s.basis,
    source: s.source,
    truncatedAfter: s.truncatedAfter,
  };
  return createCatalogVersion(id, { ...content, corrections: s.corrections, nodes: s.nodes, title });
}

async function codeOf(p: Promise<unknown>): Promise<CoreError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CoreError) return e;
    throw e;
  }
  throw new Error('nothing thrown');
}

describe.each(DIALECTS)('catalog versions in the database on %s (ADR-0003)', { timeout: 120_000 }, (dialect: DialectUnderTest) => {
  let tmp: { dir: string; cleanup: () => void };
  let env: NodeJS.ProcessEnv;
  let drop: () => Promise<void>;
  const open: InspectionService[] = [];
  const connect = async () => {
    const s = await InspectionService.connect(tmp.dir, env, clock);
    open.push(s);
    return s;
  };
  const imports = async (s: InspectionService) =>
    Number(
      (
        await s.db
          .selectFrom('catalog_imports')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const importEvents = async (s: InspectionService) =>
    (await s.db.selectFrom('audit_events').select(['entity_id', 'actor']).where('action', '=', 'catalog.import').orderBy('seq').execute()).map((e) => [
      e.entity_id,
      e.actor,
    ]);

  beforeEach(async () => {
    tmp = tempDir();
    ({ env, drop } = await freshStore(dialect, tmp.dir));
    env.CCHECK_VAULT_KEY = Buffer.alloc(32, 7).toString('base64');
    const s = await InspectionService.connect(tmp.dir, env, clock, { create: true });
    await s.init();
    await s.close();
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await drop();
    tmp.cleanup();
  });

  it('a version imported through one connection is listed and read through another, as an audited write', async () => {
    const a = await connect();
    const b = await connect();
    const v = variant('firm-a');
    expect((await a.catalog.save([v], 'alice')).written.map((w) => w.id)).toEqual(['firm-a']);
    const seen = await b.catalog.get('firm-a');
    expect(seen).toMatchObject({ origin: 'user', file: null, importedBy: 'alice', importedAt: '2026-11-30T02:00:00.000Z' });
    expect(seen.version).toEqual(v);
    expect((await b.catalog.get(v.hash.slice(7, 20))).version.id).toBe('firm-a'); // by hash prefix too
    expect((await b.catalog.list()).map((s) => [s.version.id, s.origin])).toEqual([
      ['before-2023-08-23', 'builtin'],
      ['2023-08-23', 'builtin'],
      ['firm-a', 'user'],
    ]);
    expect(await importEvents(a)).toEqual([['firm-a', 'alice']]);
    expect((await b.verifyAudit()).ok).toBe(true);
    // Nothing on this machine's disk: another machine on the same server sees the same catalog.
    expect(existsSync(path.join(tmp.dir, 'catalog'))).toBe(false);
    // A run started by the other connection can freeze it.
    expect((await b.catalog.save([v], 'bob')).unchanged.map((u) => u.id)).toEqual(['firm-a']);
  });

  it('versions are immutable: another content under a stored or shipped id is refused, and nothing of the save is written', async () => {
    const s = await connect();
    await s.catalog.save([variant('firm-a')], 'alice');
    const before = await importEvents(s);
    const conflict = await codeOf(s.catalog.save([variant('firm-b'), variant('firm-a', 'edited')], 'alice'));
    expect(conflict.code).toBe('CATALOG_VERSION_CONFLICT');
    expect(conflict.message).toContain('"firm-a"');
    const shippedClash = await codeOf(s.catalog.save([variant('firm-c'), variant('2023-08-23')], 'alice'));
    expect(shippedClash.code).toBe('CATALOG_VERSION_CONFLICT');
    expect(shippedClash.message).toContain('"2023-08-23"');
    expect(await imports(s)).toBe(1); // neither firm-b nor firm-c
    expect(await importEvents(s)).toEqual(before);
    expect((await s.catalog.get('firm-a')).version.title).toBe('firm copy firm-a');
    // The shipped version itself is "unchanged", never stored again.
    expect(await s.catalog.save([shipped], 'alice')).toEqual({ written: [], unchanged: [shipped] });
    expect((await s.verifyAudit()).ok).toBe(true);
  });

  it('a row whose JSON was edited in the database is refused with an error naming the version', async () => {
    const s = await connect();
    await s.catalog.save([variant('firm-a')], 'alice');
    expect((await s.catalog.get('firm-a')).version.title).toBe('firm copy firm-a'); // read (and checked) once before the edit
    await sql`update catalog_imports set content_json = replace(content_json, 'firm copy firm-a', 'forged') where id = 'firm-a'`.execute(s.db);
    for (const read of [() => s.catalog.list(), () => s.catalog.get('firm-a'), async () => (await connect()).catalog.get('2023-08-23')]) {
      const e = await codeOf(read());
      expect(e.code).toBe('CATALOG_VERSION_CORRUPT');
      expect(e.message).toContain('catalog version "firm-a" in the database');
    }
    // The audit chain names the changed row too.
    expect((await s.verifyAudit()).problems).toContainEqual(expect.objectContaining({ kind: 'row_changed', entity: 'catalog_imports', entityId: 'firm-a' }));
  });

  it('an earlier ccheck’s on-disk imports move into the database on first open, checked by hash, the files renamed and kept', async () => {
    const dir = path.join(tmp.dir, 'catalog');
    mkdirSync(dir, { recursive: true });
    const old = variant('firm-old');
    writeFileSync(path.join(dir, 'firm-old.json'), serializeVersion(old));
    writeFileSync(path.join(dir, '2023-08-23.json'), serializeVersion(shipped)); // a copy of a shipped one: nothing to store
    // Before the move, a process without the database still lists it (read only).
    expect((await offlineCatalogStore(tmp.dir).get('firm-old')).file).toBe(path.join(dir, 'firm-old.json'));

    // Two processes opening the store at once: both move the same files, one row is stored, neither fails.
    const [a, b] = [await connect(), await connect()];
    await Promise.all([a.catalog.list(), b.catalog.list()]);
    const moved = await a.catalog.get('firm-old');
    expect(moved).toMatchObject({ origin: 'user', file: null, importedBy: 'ccheck' });
    expect(moved.version).toEqual(old);
    expect(readdirSync(dir).sort()).toEqual([`2023-08-23.json${MOVED_SUFFIX}`, `firm-old.json${MOVED_SUFFIX}`]);
    expect(readFileSync(path.join(dir, `firm-old.json${MOVED_SUFFIX}`), 'utf8')).toBe(serializeVersion(old)); // never lost
    expect(await importEvents(a)).toEqual([['firm-old', 'ccheck']]);
    // Another process sees it, and opening again moves nothing twice.
    expect((await (await connect()).catalog.list()).filter((s) => s.origin === 'user').map((s) => s.version.id)).toEqual(['firm-old']);
    expect(await imports(b)).toBe(1);
    expect((await b.verifyAudit()).ok).toBe(true);
  });

  it('an on-disk import that conflicts with the database is refused, and its file is left where it is', async () => {
    const a = await connect();
    await a.catalog.save([variant('firm-a')], 'alice');
    const dir = path.join(tmp.dir, 'catalog');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'firm-a.json'), serializeVersion(variant('firm-a', 'another machine’s firm-a')));
    writeFileSync(path.join(dir, 'firm-new.json'), serializeVersion(variant('firm-new')));
    const b = await connect();
    expect((await codeOf(b.catalog.list())).code).toBe('CATALOG_VERSION_CONFLICT');
    expect(readdirSync(dir).sort()).toEqual(['firm-a.json', 'firm-new.json']);
    expect(await imports(b)).toBe(1); // all or nothing: firm-new waits with it
  });

  it('a backup carries the imports: restored into an empty store, the version is listed and the chain verifies', async () => {
    const s = await connect();
    const v = variant('firm-a');
    await s.catalog.save([v], 'alice');
    const dir = path.join(tmp.dir, 'backup');
    expect((await s.backup(dir)).tables.map((t) => t.name)).toContain('catalog_imports');
    const target = tempDir();
    const t = await freshStore(dialect, target.dir);
    const tenv = { ...t.env, CCHECK_VAULT_KEY: env.CCHECK_VAULT_KEY, CCHECK_AUDIT_KEY: readFileSync(path.join(tmp.dir, 'audit.key'), 'utf8').trim() };
    const restored = await InspectionService.connect(target.dir, tenv, clock, { create: true });
    try {
      expect((await restored.restore(dir)).verified).toBe(true);
      expect((await restored.catalog.get('firm-a')).version).toEqual(v);
    } finally {
      await restored.close();
      await t.drop();
      target.cleanup();
    }
  });

  it('the same version imported twice at once: both succeed, one row, one event, the chain intact', async () => {
    const [a, b] = [await connect(), await connect()];
    const v = variant('firm-a');
    const [ra, rb] = await Promise.all([a.catalog.save([v], 'alice'), b.catalog.save([v], 'bob')]);
    expect([ra.written.length + rb.written.length, ra.unchanged.length + rb.unchanged.length]).toEqual([1, 1]);
    expect(await imports(a)).toBe(1);
    expect((await importEvents(a)).length).toBe(1);
    expect((await a.verifyAudit()).ok).toBe(true);
  });
});
