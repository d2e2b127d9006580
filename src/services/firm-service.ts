import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { evaluateApplicability, type ApplicabilityResult } from '../core/applicability/evaluate-applicability.js';
import type { CatalogVersion } from '../core/catalog/catalog-version.js';
import type { IsoDate } from '../core/dates.js';
import { firmProfileFileSchema, type FirmProfile } from '../core/profile/firm-profile.js';
import { assessImpact, type Impact } from '../core/plan/assess-impact.js';
import { buildPlan, type Completion, type Plan } from '../core/plan/build-plan.js';
import { readCompletions } from '../core/plan/read-completions.js';
import { loadApplicabilityRules, loadTierScheme, packageRoot } from '../io/catalog-data.js';
import { readTableFile } from '../io/read-table-file.js';
import { pickVersion, type CatalogStore, type StoredVersion } from '../storage/catalog-store.js';

/**
 * The version a firm works against unless it names one: the latest in force. A catalog imported
 * from OSCAL is used only when named: another framework (NIST SP 800-53, ISO 27002) must never
 * silently become the mechanism a firm is inspected against.
 */
export function latestIn(list: readonly StoredVersion[]): CatalogVersion {
  const dated = list.filter((s) => s.version.effectiveDate !== null && s.version.source.kind !== 'oscal_catalog');
  const latest = dated[dated.length - 1] ?? list[list.length - 1];
  if (!latest) throw new Error('ccheck: no catalog versions installed');
  return latest.version;
}

/** The version a command names (id or hash prefix), else the latest in force, of a list already read. */
export function versionIn(list: readonly StoredVersion[], ref: string | undefined): CatalogVersion {
  return ref ? pickVersion(list, ref).version : latestIn(list);
}

/** The version a command names (id or hash prefix), else the latest in force. */
export async function versionFor(store: CatalogStore, ref: string | undefined): Promise<CatalogVersion> {
  return versionIn(await store.list(), ref);
}

export function applicabilityFor(version: CatalogVersion, profile: FirmProfile): ApplicabilityResult {
  return evaluateApplicability(version, loadApplicabilityRules(), profile);
}

export async function readCompletionsFile(file: string | undefined): Promise<Completion[]> {
  if (!file) return [];
  return readCompletions(await readTableFile(file));
}

export function planFor(
  version: CatalogVersion,
  profile: FirmProfile,
  range: { from: IsoDate; to: IsoDate; today: IsoDate },
  completions: readonly Completion[],
): Plan {
  return buildPlan(version, applicabilityFor(version, profile), { ...range, completions });
}

export function impactFor(from: CatalogVersion, to: CatalogVersion, profile: FirmProfile): Impact {
  return assessImpact(from, to, applicabilityFor(from, profile), applicabilityFor(to, profile));
}

/** The commented template `ccheck profile init` writes. */
export function profileTemplate(): string {
  return readFileSync(path.join(packageRoot(), 'data', 'templates', 'firm-profile.yaml'), 'utf8');
}

/** JSON Schema of the profile file, for editors and other tools that write profiles. */
export function profileJsonSchema(): object {
  return {
    $id: 'https://ccheck.invalid/schemas/firm-profile.schema.json',
    title: 'ccheck firm profile (公司基本資料)',
    ...z.toJSONSchema(firmProfileFileSchema(loadTierScheme()), { target: 'draft-2020-12' }),
  };
}
