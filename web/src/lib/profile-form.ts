/**
 * The firm profile as a form (data/schemas/firm-profile.schema.json): the profile JSON becomes a
 * draft of form values and back, and the server's per-field problems (PROFILE_INVALID, the CLI's
 * checks) are sorted to the field they name so each shows beside its input. The pages hold no
 * validation rules of their own: whatever a person types goes to the server, which decides.
 */
import type { Problem } from './api.js';

export const CHANNELS = ['internet', 'voice', 'traditional'] as const;
export const SERVICES = ['cloud', 'social_media', 'iot', 'video_identity', 'mobile_apps', 'api', 'outsourcing'] as const;
export type Service = (typeof SERVICES)[number];

export interface CoreSystemDraft {
  name: string;
  tolerable_interruption_hours: string;
  rto_hours: string;
  rpo_minutes: string;
  internet_facing: boolean;
  offsite_site: boolean;
}
export interface ProfileDraft {
  name: string;
  licence: string;
  channels: string[];
  /** '' is "no tier" (null in the profile). */
  tier: string;
  class: string;
  colocation: boolean;
  core_systems: CoreSystemDraft[];
  services: Record<Service, boolean>;
  /** Kept as it came (edited in the JSON view); the form does not lose what it does not show. */
  tier_parameters?: unknown;
}

const text = (v: unknown) =>
  v === undefined || v === null ? '' : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

export function emptySystem(): CoreSystemDraft {
  return { name: '', tolerable_interruption_hours: '', rto_hours: '', rpo_minutes: '', internet_facing: false, offsite_site: false };
}

export function toDraft(profile: unknown): ProfileDraft {
  const p = obj(profile);
  const firm = obj(p.firm);
  const services = obj(p.services);
  return {
    name: text(firm.name),
    licence: text(firm.licence),
    channels: Array.isArray(p.channels) ? p.channels.map(String) : [],
    tier: text(p.tier),
    class: text(p.class),
    colocation: p.colocation === true,
    core_systems: (Array.isArray(p.core_systems) ? p.core_systems : []).map((s) => {
      const c = obj(s);
      return {
        name: text(c.name),
        tolerable_interruption_hours: text(c.tolerable_interruption_hours),
        rto_hours: text(c.rto_hours),
        rpo_minutes: text(c.rpo_minutes),
        internet_facing: c.internet_facing === true,
        offsite_site: c.offsite_site === true,
      };
    }),
    services: Object.fromEntries(SERVICES.map((s) => [s, services[s] === true])) as Record<Service, boolean>,
    ...(p.tier_parameters !== undefined ? { tier_parameters: p.tier_parameters } : {}),
  };
}

/**
 * A number field as the server should see it: a number when the text is one, otherwise the text
 * itself (so the server names the field and says what is wrong, rather than the page guessing).
 */
export function numberOrText(value: string): number | string {
  const v = value.trim();
  return v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
}

export function fromDraft(d: ProfileDraft): Record<string, unknown> {
  return {
    firm: { name: d.name, licence: d.licence },
    // The schema's order, so a profile saved unchanged stays the same.
    channels: (CHANNELS as readonly string[])
      .filter((c) => d.channels.includes(c))
      .concat(d.channels.filter((c) => !(CHANNELS as readonly string[]).includes(c))),
    tier: d.tier === '' ? null : numberOrText(d.tier),
    class: numberOrText(d.class),
    colocation: d.colocation,
    core_systems: d.core_systems.map((s) => ({
      name: s.name,
      tolerable_interruption_hours: numberOrText(s.tolerable_interruption_hours),
      rto_hours: numberOrText(s.rto_hours),
      rpo_minutes: numberOrText(s.rpo_minutes),
      internet_facing: s.internet_facing,
      offsite_site: s.offsite_site,
    })),
    services: { ...d.services },
    ...(d.tier_parameters !== undefined ? { tier_parameters: d.tier_parameters } : {}),
  };
}

/** The fields the form has an input for; a problem naming anything else is listed above the form. */
export function formFieldOf(field: string): string | null {
  if (field === 'firm.name' || field === 'firm.licence' || field === 'tier' || field === 'class' || field === 'colocation') return field;
  if (field === 'channels' || /^channels\[\d+\]$/.test(field)) return 'channels';
  if (field === 'firm') return 'firm.name';
  const sys = /^core_systems\[(\d+)\](?:\.(\w+))?/.exec(field);
  if (sys) {
    const key = sys[2];
    const known = ['name', 'tolerable_interruption_hours', 'rto_hours', 'rpo_minutes', 'internet_facing', 'offsite_site'];
    return key && known.includes(key) ? `core_systems[${sys[1]}].${key}` : `core_systems[${sys[1]}].name`;
  }
  if (field === 'core_systems') return 'core_systems';
  const svc = /^services\.(\w+)$/.exec(field);
  if (svc && (SERVICES as readonly string[]).includes(svc[1]!)) return field;
  if (field === 'services') return 'services';
  return null;
}

export interface SortedProblems {
  readonly byField: ReadonlyMap<string, readonly Problem[]>;
  /** Problems naming no field the form shows (an unknown key, tier_parameters): listed above the form. */
  readonly other: readonly Problem[];
}

export function sortProblems(problems: readonly Problem[]): SortedProblems {
  const byField = new Map<string, Problem[]>();
  const other: Problem[] = [];
  for (const p of problems) {
    const f = formFieldOf(p.field ?? p.path ?? '');
    if (f === null) other.push(p);
    else byField.set(f, [...(byField.get(f) ?? []), p]);
  }
  return { byField, other };
}

/** A DOM id for a field (`core_systems[0].rto_hours` → `pf-core_systems-0-rto_hours`). */
export const fieldId = (field: string) => `pf-${field.replace(/[[\].]+/g, '-').replace(/-$/, '')}`;
