import { describe, expect, it } from 'vitest';
import type { ApplicabilityResult } from '../../src/core/applicability/evaluate-applicability.js';
import { offlineCatalogStore } from '../../src/services/catalog-service.js';
import { applicabilityFor } from '../../src/services/firm-service.js';
import { internetTier1, noCloudNoIot, profileFrom, voiceAndCounterOnly } from '../helpers/profiles.js';

const store = offlineCatalogStore('/nonexistent-ccheck-home');
const v2023 = (await store.get('2023-08-23')).version;
const before = (await store.get('before-2023-08-23')).version;

const decide = (r: ApplicabilityResult, p: string) => {
  const d = r.decisions.find((x) => x.path === p);
  if (!d) throw new Error(`no decision for ${p}`);
  return d;
};
const applyingUnder = (r: ApplicabilityResult, parent: string) =>
  r.decisions
    .filter((d) => d.applies && d.path.startsWith(`${parent}/`) && d.path.split('/').length === parent.split('/').length + 1)
    .map((d) => d.path.split('/').pop());

describe('applicability with reasons', () => {
  it('an internet-order, tier-1 broker: everything of CC-17010 and CC-11000 applies', () => {
    const r = applicabilityFor(v2023, internetTier1());
    expect(applyingUnder(r, '7/(1)')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l']);
    expect(decide(r, '1/(4)')).toMatchObject({
      applies: true,
      code: 'CC-11000',
      rules: ['scope-internet-order'],
      facts: { channels: 'internet,voice,traditional' },
    });
    expect(decide(r, '1/(4)').reason).toContain('profile.channels includes internet');
    expect(decide(r, '7/(2)/b/(g)').reason).toContain("scales with the firm's 資安分級 (tier 1)");
    expect(decide(r, '7/(2)/b/(g)').reasonZh).toContain('依所屬資安分級辦理（第1級）');
    expect(decide(r, '7/(2)/c/(g)')).toMatchObject({ applies: true, advisory: true }); // 宜: 3-2-1
    expect(decide(r, '7/(1)/j/(g)').advisory).toBe(false); // 應 for core systems
    expect(decide(r, '12/(4)/g')).toMatchObject({ applies: false, facts: { 'services.iot': 'false' } });
    expect(r.decisions.every((d) => d.reason.length > 10 && d.reasonZh.length > 5)).toBe(true);
    expect(r.decisions.filter((d) => d.advisory).every((d) => d.applies)).toBe(true);
  });

  it('a voice/traditional-only broker: from 7/(1) only the all-broker items, and no CC-11000', () => {
    const r = applicabilityFor(v2023, voiceAndCounterOnly());
    expect(applyingUnder(r, '7/(1)')).toEqual(['a', 'b', 'f']);
    expect(decide(r, '7/(1)/a/(j)').applies).toBe(true); // EOS/EOL binds every broker
    expect(decide(r, '7/(1)/f').reason).toContain('另 a、b、f 項並適用於所有證券商');
    expect(decide(r, '7/(1)/d/(a)').applies).toBe(false); // MFA for Internet orders
    for (const p of ['1', '1/(4)', '9/(11)/c/(a)', '9/(13)']) {
      expect(decide(r, p).applies, p).toBe(false);
      expect(decide(r, p).reason, p).toContain('profile.channels has no internet');
    }
    expect(decide(r, '1').reasonZh).toBe('1 (CC-11000)適用網際網路下單證券商；公司下單管道不含 internet');
    expect(decide(r, '8/(2)/f').applies).toBe(true);
    expect(decide(r, '10/(3)').reason).toContain('tier 3');
  });

  it('a firm without cloud or IoT: 12/(1) and 12/(4) do not apply, deepfake training still does', () => {
    const r = applicabilityFor(v2023, noCloudNoIot());
    for (const p of ['12/(1)', '12/(1)/a', '12/(4)/g']) expect(decide(r, p).applies, p).toBe(false);
    expect(decide(r, '12/(1)/a').reason).toContain('profile.services.cloud is false');
    expect(decide(r, '12/(2)/c/(c)').applies).toBe(true);
    expect(decide(r, '12/(6)/a').applies).toBe(false); // no video identity verification
    expect(decide(r, '12/(6)/b').applies).toBe(true);
  });

  it('the same firms against the version before 2023: a, b, e bind all brokers', () => {
    const voice = applicabilityFor(before, voiceAndCounterOnly());
    expect(applyingUnder(voice, '7/(1)')).toEqual(['a', 'b', 'e']);
    expect(decide(voice, '7/(1)/e').reason).toContain('另 a、b、e 項並適用於所有證券商');
    expect(decide(voice, '1/(4)').applies).toBe(false);
    const internet = applicabilityFor(before, internetTier1());
    expect(applyingUnder(internet, '7/(1)')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k']);
    const noCloud = applicabilityFor(before, noCloudNoIot());
    expect(decide(noCloud, '12/(1)/a').applies).toBe(false);
    expect(decide(internet, '10/(3)').tierDependent).toBe(false); // the tier wording arrived in 2023
  });

  it('point 14 (主機共置, CC-23000), elided by the 2023 table, applies to a co-location firm only; point 13 to every firm', () => {
    const colocation = profileFrom((y) => y.replace('colocation: false', 'colocation: true'));
    for (const v of [v2023, before]) {
      const withColo = applicabilityFor(v, colocation);
      expect(decide(withColo, '14'), v.id).toMatchObject({ applies: true, code: 'CC-23000', rules: ['scope-colocation'], facts: { colocation: 'true' } });
      expect(decide(withColo, '14').reason).toContain('profile.colocation is true');
      expect(decide(withColo, '13')).toMatchObject({ applies: true, code: 'CC-22000' });
      const without = applicabilityFor(v, internetTier1());
      expect(decide(without, '14'), v.id).toMatchObject({ applies: false, facts: { colocation: 'false' } });
      expect(decide(without, '14').reasonZh).toContain('公司未使用主機共置服務');
      expect(decide(without, '13').applies).toBe(true);
    }
  });

  it('is a pure function of version, rules and profile', () => {
    const a = applicabilityFor(v2023, internetTier1());
    const b = applicabilityFor(v2023, internetTier1());
    expect(a).toEqual(b);
    expect(a.versionHash).toBe(v2023.hash);
  });
});
