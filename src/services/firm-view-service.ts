import type { IsoDate } from '../core/dates.js';
import type { Actor } from '../core/people/actor.js';
import { CoreError } from '../core/errors.js';
import type { Completion, Plan } from '../core/plan/build-plan.js';
import { adviseOnProfile, type FirmProfile, type ProfileAdvice } from '../core/profile/firm-profile.js';
import { planToIcs } from '../io/plan-export.js';
import { parseProfile } from '../io/read-profile.js';
import type { FirmsTable } from '../storage/schema.js';
import { currentVersion } from './catalog-view-service.js';
import { applicabilityFor, planFor } from './firm-service.js';
import type { InspectionService } from './inspection-service.js';
import type { ApplicabilityDecision } from '../core/applicability/evaluate-applicability.js';

/**
 * A profile sent as JSON (the YAML file's shape): checked exactly as `ccheck profile check`
 * checks a file — strict keys, every problem at once with its field. JSON is YAML, so the one
 * reader serves both.
 */
export function profileFromJson(value: unknown): FirmProfile {
  return parseProfile(`${JSON.stringify(value ?? null, null, 2)}\n`, 'profile');
}

export function profileOf(firm: FirmsTable): FirmProfile {
  return JSON.parse(firm.profile_json) as FirmProfile;
}

export interface FirmSummary {
  readonly firm: FirmsTable;
  readonly profile: FirmProfile;
  readonly retentionYears: number | null;
  readonly version: string;
  readonly decisions: readonly ApplicabilityDecision[];
  readonly advice: readonly ProfileAdvice[];
}

/** A firm with its profile, what applies to it under the latest catalog version, and advice on the profile. */
export async function firmSummary(s: InspectionService, firmRef: string): Promise<FirmSummary> {
  const firm = await s.firm(firmRef);
  const profile = profileOf(firm);
  const version = await currentVersion(s.catalog);
  const { decisions } = applicabilityFor(version, profile);
  return { firm, profile, retentionYears: await s.retentionYears(firm.id), version: version.id, decisions, advice: adviseOnProfile(profile) };
}

/** Replaces a firm's profile; the licence identifies the firm and cannot change through its own page. */
export async function replaceProfile(s: InspectionService, actor: string | Actor, firmId: string, value: unknown) {
  const profile = profileFromJson(value);
  const firm = await s.firm(firmId);
  if (profile.firm.licence !== firm.licence) {
    const en = `firm.licence is ${profile.firm.licence}, but this firm is ${firm.licence}; the licence identifies the firm`;
    const zh = `firm.licence 為 ${profile.firm.licence}，但本公司為 ${firm.licence}；許可證字號用以識別公司，不可更改`;
    throw new CoreError('PROFILE_INVALID', en, { count: 1 }, { file: 'profile', field: 'firm.licence' }, [
      { location: { file: 'profile', field: 'firm.licence' }, en, zh },
    ]);
  }
  return s.updateFirmProfile(actor, profile);
}

/**
 * The firm's plan between two dates. A check counts as done for a period once that period's
 * run is signed off (the day of the sign-off), so overdue means: the period ended unsigned.
 */
export async function firmPlan(s: InspectionService, firmRef: string, range: { from?: IsoDate; to?: IsoDate }): Promise<{ firm: FirmsTable; plan: Plan }> {
  const firm = await s.firm(firmRef);
  const today = s.clock.today();
  const year = today.slice(0, 4);
  const from = range.from ?? `${year}-01-01`;
  const to = range.to ?? `${year}-12-31`;
  const signed = await s.db
    .selectFrom('run_signoffs')
    .innerJoin('inspection_runs', 'inspection_runs.id', 'run_signoffs.run_id')
    .select(['inspection_runs.period', 'inspection_runs.applicability_json', 'run_signoffs.signed_at'])
    .where('inspection_runs.firm_id', '=', firm.id)
    .execute();
  const completions: Completion[] = signed.flatMap((r) =>
    (JSON.parse(r.applicability_json) as ApplicabilityDecision[]).map((d) => ({ path: d.path, period: r.period, completedOn: r.signed_at.slice(0, 10) })),
  );
  const plan = planFor(await currentVersion(s.catalog), profileOf(firm), { from, to, today }, completions);
  return { firm, plan };
}

/** The plan as iCalendar, for calendar applications. */
export async function firmCalendar(s: InspectionService, firmRef: string, range: { from?: IsoDate; to?: IsoDate }): Promise<string> {
  const { firm, plan } = await firmPlan(s, firmRef, range);
  return planToIcs(plan, { name: firm.name, licence: firm.licence });
}
