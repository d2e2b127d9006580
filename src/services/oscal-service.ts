import path from 'node:path';
import type { CatalogVersion } from '../core/catalog/catalog-version.js';
import type { IsoDate } from '../core/dates.js';
import { CoreError } from '../core/errors.js';
import { importOscalCatalog } from '../core/oscal/import-oscal-catalog.js';
import type { OscalVersion } from '../core/oscal/oscal-ids.js';
import type { FirmProfile } from '../core/profile/firm-profile.js';
import { assertOscalValid } from '../io/oscal-schema.js';
import { readProfileFile } from '../io/read-profile.js';
import { readTextFile } from '../io/read-text-file.js';
import { oscalAssessmentResults } from '../reports/oscal/oscal-assessment-results.js';
import { oscalCatalog, type OscalObject } from '../reports/oscal/oscal-catalog.js';
import { oscalProfile } from '../reports/oscal/oscal-profile.js';
import type { CatalogStore } from '../storage/catalog-store.js';
import { applicabilityFor, versionFor } from './firm-service.js';
import type { InspectionService } from './inspection-service.js';
import { buildReportData } from './report-service.js';

export interface OscalWriteOptions {
  readonly oscalVersion: OscalVersion;
  /** An instant with zone (OSCAL last-modified). */
  readonly now: string;
}

/** The file name a catalog export gets by default; the profile export points at it. */
export const catalogFileName = (version: CatalogVersion) => `catalog-${version.id}.oscal.json`;

export async function exportCatalog(
  store: CatalogStore,
  versionRef: string | undefined,
  o: OscalWriteOptions,
): Promise<{ version: CatalogVersion; document: OscalObject }> {
  const version = await versionFor(store, versionRef);
  return { version, document: oscalCatalog(version, { oscalVersion: o.oscalVersion, lastModified: o.now }) };
}

/** The firm's applicability as an OSCAL profile, from a profile file or a firm in the database. */
export async function exportProfile(
  store: CatalogStore,
  source: { profileFile?: string; service?: InspectionService; firmRef?: string },
  versionRef: string | undefined,
  o: OscalWriteOptions,
): Promise<{ version: CatalogVersion; profile: FirmProfile; document: OscalObject }> {
  const version = await versionFor(store, versionRef);
  let profile: FirmProfile;
  if (source.profileFile) profile = await readProfileFile(source.profileFile);
  else if (source.service && source.firmRef) profile = JSON.parse((await source.service.firm(source.firmRef)).profile_json) as FirmProfile;
  else throw new CoreError('PROFILE_INVALID', 'a firm profile or a firm is needed', {});
  const decisions = applicabilityFor(version, profile).decisions;
  const document = oscalProfile(
    { version, decisions, firm: profile.firm, catalogHref: catalogFileName(version) },
    { oscalVersion: o.oscalVersion, lastModified: o.now },
  );
  return { version, profile, document };
}

export async function exportResults(
  s: InspectionService,
  firmRef: string,
  period: string,
  today: IsoDate,
  o: OscalWriteOptions,
  revision?: number,
): Promise<OscalObject> {
  const data = await buildReportData(s, firmRef, period, today, revision);
  return oscalAssessmentResults(data, { oscalVersion: o.oscalVersion, lastModified: o.now });
}

/**
 * Reads an OSCAL catalog file into a catalog version and, unless `dryRun`, stores it (an audited
 * import by `by`). With `schema`, the file is first validated against that NIST JSON schema and
 * refused with every problem listed if it does not conform.
 */
export async function importOscalFile(
  store: CatalogStore,
  by: string,
  file: string,
  o: { id?: string; effectiveDate?: IsoDate; schema?: string; dryRun?: boolean },
): Promise<{ version: CatalogVersion; written: boolean }> {
  const source = await readTextFile(file, 'utf-8');
  let document: unknown;
  try {
    document = JSON.parse(source.text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? source.text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw new CoreError('OSCAL_INVALID', `${file} is not JSON: ${(e as Error).message}`, {}, { file, line });
  }
  if (o.schema) assertOscalValid(document, o.schema, file);
  const version = importOscalCatalog({ document, fileName: path.basename(file), sha256: source.sha256, id: o.id, effectiveDate: o.effectiveDate });
  if (o.dryRun) return { version, written: false };
  const saved = await store.save([version], by);
  return { version, written: saved.written.length > 0 };
}
