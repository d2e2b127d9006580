import type { ApplicabilityDecision } from '../../core/applicability/evaluate-applicability.js';
import type { FirmProfile, ProfileAdvice } from '../../core/profile/firm-profile.js';
import type { FirmSummary } from '../../services/firm-view-service.js';
import type { FirmRow as FirmsTable } from './rows.js';
import { arr, bool, int, num, out, str } from '../schemas.js';

/** A firm as it leaves the server: never its stored profile JSON as a raw column. */
export function presentFirm(f: FirmsTable) {
  return { id: f.id, name: f.name, licence: f.licence, created_at: f.created_at };
}
export const firmSchema = out({ id: str, name: str, licence: str, created_at: str, retention_years: { type: 'integer', nullable: true } });

/** The profile in the file's own shape (snake_case, as `ccheck profile init` writes it), so a page can edit and send it back. */
export function presentProfile(p: FirmProfile) {
  return {
    firm: { name: p.firm.name, licence: p.firm.licence },
    channels: [...p.channels],
    tier: p.tier,
    class: p.class,
    colocation: p.colocation,
    core_systems: p.coreSystems.map((c) => ({
      name: c.name,
      tolerable_interruption_hours: c.tolerableInterruptionHours,
      rto_hours: c.rtoHours,
      rpo_minutes: c.rpoMinutes,
      internet_facing: c.internetFacing,
      offsite_site: c.offsiteSite,
    })),
    services: { ...p.services },
    ...(Object.keys(p.tierParameters).length ? { tier_parameters: { ...p.tierParameters } } : {}),
  };
}
export const profileSchema = out({
  firm: out({ name: str, licence: str }),
  channels: arr(str),
  tier: { type: 'integer', nullable: true },
  class: int,
  colocation: bool,
  core_systems: arr(out({ name: str, tolerable_interruption_hours: num, rto_hours: num, rpo_minutes: num, internet_facing: bool, offsite_site: bool })),
  services: { type: 'object', additionalProperties: bool },
  tier_parameters: { type: 'object', additionalProperties: true },
});

export function presentAdvice(a: ProfileAdvice) {
  return { field: a.field, clause: a.clause, en: a.en, zh: a.zh };
}
export const adviceSchema = out({ field: str, clause: str, en: str, zh: str });

export function presentApplicabilitySummary(version: string, decisions: readonly ApplicabilityDecision[]) {
  return {
    version,
    applies: decisions.filter((d) => d.applies).length,
    not_applicable: decisions.filter((d) => !d.applies).length,
    advisory: decisions.filter((d) => d.applies && d.advisory).length,
  };
}

export function presentFirmSummary(s: FirmSummary) {
  return {
    firm: { ...presentFirm(s.firm), retention_years: s.retentionYears },
    profile: presentProfile(s.profile),
    applicability: presentApplicabilitySummary(s.version, s.decisions),
    advice: s.advice.map(presentAdvice),
  };
}
export const firmSummarySchema = out({
  firm: firmSchema,
  profile: profileSchema,
  applicability: out({ version: str, applies: int, not_applicable: int, advisory: int }),
  advice: arr(adviceSchema),
});

export const decisionSchema = out({ applies: bool, advisory: bool, reason: str, reason_zh: str, rules: arr(str), tier_dependent: bool });
export function presentDecision(d: ApplicabilityDecision | null) {
  return d ? { applies: d.applies, advisory: d.advisory, reason: d.reason, reason_zh: d.reasonZh, rules: [...d.rules], tier_dependent: d.tierDependent } : null;
}
