import { describe, expect, it } from 'vitest';
import { fieldId, formFieldOf, fromDraft, numberOrText, sortProblems, toDraft } from './profile-form.js';

const profile = {
  firm: { name: '範例證券', licence: '金管證總字第0000號' },
  channels: ['voice', 'internet'],
  tier: 1,
  class: 2,
  colocation: true,
  core_systems: [{ name: '電子下單系統', tolerable_interruption_hours: 2, rto_hours: 2, rpo_minutes: 15, internet_facing: true, offsite_site: false }],
  services: { cloud: true, social_media: false, iot: false, video_identity: false, mobile_apps: true, api: false, outsourcing: false },
  tier_parameters: { max_users: 100 },
};

describe('profile form draft', () => {
  it('turns a profile into form values and back without changing it (channels in the schema order)', () => {
    const d = toDraft(profile);
    expect(d.tier).toBe('1');
    expect(d.core_systems[0]!.rpo_minutes).toBe('15');
    expect(fromDraft(d)).toEqual({ ...profile, channels: ['internet', 'voice'] });
  });

  it('writes no tier as null and keeps text that is not a number for the server to name', () => {
    const d = toDraft(profile);
    d.tier = '';
    d.core_systems[0]!.rto_hours = 'two';
    const p = fromDraft(d) as { tier: unknown; core_systems: { rto_hours: unknown }[] };
    expect(p.tier).toBeNull();
    expect(p.core_systems[0]!.rto_hours).toBe('two');
    expect(numberOrText(' 2.5 ')).toBe(2.5);
    expect(numberOrText('')).toBe('');
  });

  it('reads a missing or odd profile as an empty draft', () => {
    const d = toDraft(null);
    expect(d).toMatchObject({ name: '', channels: [], tier: '', colocation: false, core_systems: [] });
    expect(d.services.cloud).toBe(false);
    expect('tier_parameters' in fromDraft(d)).toBe(false);
  });
});

describe('per-field problems', () => {
  it('puts each problem beside the input it names; others go above the form', () => {
    const sorted = sortProblems([
      { field: 'channels[1]', en: 'channels[1] must be one of …' },
      { field: 'core_systems[0].rto_hours', en: 'must be above 0' },
      { field: 'core_systems[1]', en: 'missing name' },
      { field: 'colocaton', en: 'unknown key colocaton' },
      { field: 'firm.licence', en: 'cannot change' },
      { field: 'services.cloud', en: 'must be true or false' },
    ]);
    expect([...sorted.byField.keys()]).toEqual(['channels', 'core_systems[0].rto_hours', 'core_systems[1].name', 'firm.licence', 'services.cloud']);
    expect(sorted.other.map((p) => p.field)).toEqual(['colocaton']);
    expect(formFieldOf('tier_parameters.x')).toBeNull();
    expect(formFieldOf('services.unknown')).toBeNull();
  });

  it('gives each field a DOM id', () => {
    expect(fieldId('core_systems[0].rto_hours')).toBe('pf-core_systems-0-rto_hours');
    expect(fieldId('firm.name')).toBe('pf-firm-name');
    expect(fieldId('channels')).toBe('pf-channels');
  });
});
