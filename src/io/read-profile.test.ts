import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firmProfileFileSchema } from '../core/profile/firm-profile.js';
import type { TierScheme } from '../core/profile/tier-scheme.js';
import { CoreError } from '../core/errors.js';
import { loadTierScheme, packageRoot } from './catalog-data.js';
import { parseProfile } from './read-profile.js';

const TEMPLATE = readFileSync(path.join(packageRoot(), 'data', 'templates', 'firm-profile.yaml'), 'utf8');
const withTier = (tier: string) => TEMPLATE.replace('tier: 1 ', `tier: ${tier} `);
const TIER_LINE = TEMPLATE.split('\n').findIndex((l) => l.startsWith('tier: ')) + 1;

/** The shipped levels plus a fourth, as the futures market already has one. */
const FOUR_LEVELS: TierScheme = {
  source: 'test',
  levels: [...loadTierScheme().levels, { level: 4, name: '第四級', nameEn: 'Tier 4', requires: ['10/(3)'] }],
};

function problemsOf(fn: () => unknown): CoreError['problems'] {
  try {
    fn();
  } catch (e) {
    if (e instanceof CoreError) return e.problems;
    throw e;
  }
  throw new Error('expected a CoreError');
}

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ccheck-tiers-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('資安分級 levels come from data/catalog/tiers.yaml, not from the profile type', () => {
  it('the shipped data has tiers 1–3 (第一級–第三級), each bound to the clauses that scale with the tier', () => {
    const scheme = loadTierScheme();
    expect(scheme.levels.map((l) => [l.level, l.name])).toEqual([
      [1, '第一級'],
      [2, '第二級'],
      [3, '第三級'],
    ]);
    for (const l of scheme.levels) expect(l.requires).toEqual(['7/(2)/b/(g)', '7/(2)/b/(h)', '10/(3)', '10/(4)']);
  });

  it('refuses a level the data does not define, naming file, line and field and listing the allowed levels in zh-TW and English', () => {
    const problems = problemsOf(() => parseProfile(withTier('4'), 'firm.yaml'));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.location).toEqual({ file: 'firm.yaml', line: TIER_LINE, field: 'tier' });
    expect(problems[0]!.en).toBe('tier 4 is not a 資安分級 level; allowed: 1 (第一級), 2 (第二級), 3 (第三級), null (levels from data/catalog/tiers.yaml)');
    expect(problems[0]!.zh).toContain('可用：1 (第一級), 2 (第二級), 3 (第三級), null');
    expect(problemsOf(() => parseProfile(withTier('"2"'), 'firm.yaml'))[0]!.en).toContain('tier "2" is not a 資安分級 level');
    expect(parseProfile(withTier('null'), 'firm.yaml').tier).toBeNull();
  });

  it('accepts a fourth level once the data defines it, without any change to the code', () => {
    expect(parseProfile(withTier('4'), 'firm.yaml', FOUR_LEVELS).tier).toBe(4);
    expect(problemsOf(() => parseProfile(withTier('5'), 'firm.yaml', FOUR_LEVELS))[0]!.en).toContain(
      'allowed: 1 (第一級), 2 (第二級), 3 (第三級), 4 (第四級), null',
    );
    // The same data drives the JSON Schema that `npm run schema:build` writes.
    const schema = JSON.stringify(firmProfileFileSchema(FOUR_LEVELS).toJSONSchema());
    expect(schema).toContain('"enum":[1,2,3,4]');
  });

  it('reads a tiers file from another data folder, and refuses a broken one with its file name', () => {
    writeFileSync(
      path.join(dir, 'tiers.yaml'),
      'source: test\nlevels:\n  - { level: 1, name: 第一級, name_en: Tier 1, requires: [] }\n  - { level: 4, name: 第四級, name_en: Tier 4, requires: ["10/(3)"] }\n',
    );
    expect(loadTierScheme(dir).levels.map((l) => l.level)).toEqual([1, 4]);
    writeFileSync(
      path.join(dir, 'tiers.yaml'),
      'source: test\nlevels:\n  - { level: 1, name: A, name_en: A, requires: [] }\n  - { level: 1, name: B, name_en: B, requires: [] }\n',
    );
    expect(() => loadTierScheme(dir)).toThrow(/tiers\.yaml: .*levels must not repeat/s);
    writeFileSync(path.join(dir, 'tiers.yaml'), 'source: test\nlevels:\n  - { level: 1, name: A, name_en: A, requires: ["10-3"] }\n');
    expect(() => loadTierScheme(dir)).toThrow(/not an item path/);
  });
});
