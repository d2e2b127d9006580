import { assertCan, type Actor } from '../../core/people/actor.js';
import type { OscalVersion } from '../../core/oscal/oscal-ids.js';
import type { CatalogStore } from '../catalog-service.js';
import { catalogFileName, exportCatalog, exportProfile, exportResults } from '../oscal-service.js';
import type { FileOutput, OutputDeps } from './deps.js';
import { resolveFirm } from './firms.js';
import { resolveRun } from './runs.js';
import { oscalOptionsSchema, parseInput, runRefSchema } from './schemas.js';

/** The OSCAL version written in the metadata and the instant of `last-modified`. */
export interface OscalOptions {
  readonly oscalVersion: OscalVersion;
  readonly now: string;
}

const json = (name: string, document: unknown): FileOutput => ({
  name,
  contentType: 'application/json',
  body: Buffer.from(`${JSON.stringify(document, null, 2)}\n`, 'utf8'),
});

/** A catalog version as an OSCAL catalog: the catalog is read by anyone who may read catalogs (catalog.read). */
export async function oscalCatalogExport(catalog: CatalogStore, actor: Actor, versionRef: string | undefined, options: OscalOptions): Promise<FileOutput> {
  assertCan(actor, 'catalog.read');
  const o = parseInput(oscalOptionsSchema, options, 'OSCAL export');
  const r = await exportCatalog(catalog, versionRef, o);
  return json(catalogFileName(r.version), r.document);
}

/**
 * A firm's applicability as an OSCAL profile: from a profile file the shell read (nothing
 * stored is disclosed, only catalog.read), or from a firm in the database (firm.read on it).
 */
export async function oscalProfileExport(
  deps: { readonly catalog: CatalogStore; readonly inspections?: OutputDeps['inspections'] },
  actor: Actor,
  source: { profileFile?: string; firm?: string },
  versionRef: string | undefined,
  options: OscalOptions,
): Promise<FileOutput> {
  const o = parseInput(oscalOptionsSchema, options, 'OSCAL export');
  assertCan(actor, 'catalog.read');
  let firmRef: string | undefined;
  if (!source.profileFile && source.firm && deps.inspections) {
    const firm = await resolveFirm(deps.inspections.store.firms, source.firm);
    assertCan(actor, 'firm.read', firm.id);
    firmRef = firm.id;
  }
  const r = await exportProfile(deps.catalog, { profileFile: source.profileFile, service: deps.inspections, firmRef }, versionRef, o);
  return json(`profile-${r.version.id}.oscal.json`, r.document);
}

/** A run as OSCAL assessment results (report.read on the firm): the same data the report is made of. */
export async function oscalResultsExport(
  deps: OutputDeps,
  actor: Actor,
  ref: { firm: string; period: string; revision?: number },
  options: OscalOptions,
): Promise<FileOutput> {
  const o = parseInput(oscalOptionsSchema, options, 'OSCAL export');
  const s = deps.inspections;
  const { firm, run, revision } = await resolveRun(s.store, parseInput(runRefSchema, ref, 'OSCAL export'));
  assertCan(actor, 'report.read', firm.id);
  return json(`assessment-results-${run.period}.oscal.json`, await exportResults(s, firm.id, run.period, s.clock.today(), o, revision));
}
