import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEndOfLifeProduct } from '../../src/analyzers/device-lifecycle/device-lifecycle.analyzer.js';
import { readYamlData } from '../../src/formats/yaml-input.js';
import { loadApplicabilityRules, loadMechanismReference, loadSources } from '../../src/io/catalog-data.js';
import { parseEvidenceManifest } from '../../src/io/evidence-folder.js';
import { parseProfile } from '../../src/io/read-profile.js';
import { compactYaml, fixture, fuzz, FUZZ_PARAMS, FUZZ_TIMEOUT, repoFile, showTally, textInputs } from './fuzz-helpers.js';

const YAML_TOKENS = [
  '&a',
  '*a',
  '&b [*a, *a, *a, *a]',
  '<<: *a',
  '!!str',
  '!!int',
  '!!map',
  '!!set',
  '!!omap',
  '!!timestamp',
  '!!float',
  '"\\0"',
  '"\\x07"',
  '"\\u202e"',
  '|',
  '>-',
  '? x',
  ': ',
  '- ',
  '{a: 1}',
  '[1, 2]',
  '~',
  '2026-02-30',
  '2026-11-30T25:00:00Z',
  '0x1F',
  '0o17',
  '.inf',
  '-.nan',
  'yes',
  'no',
  'on',
  '%TAG ! tag:x,2026:',
  '--- ',
  '...',
];

const PROFILE_TOKENS = [
  'firm:',
  'name:',
  'licence:',
  'channels:',
  'internet',
  'voice',
  'tier:',
  'class:',
  'colocation:',
  'core_systems:',
  'services:',
  'cloud:',
  'tier_parameters:',
];
const MANIFEST_TOKENS = [
  'period:',
  '2026-11',
  'analyzers:',
  'rule-set:',
  'device-lifecycle:',
  'files:',
  'options:',
  'attestations:',
  'path:',
  'status:',
  'pass',
  'justification:',
  'evidence:',
  'valid_for_days:',
  'expires_on:',
  '**/*.cfg',
];
const EOL_TOKENS = ['releases:', 'releaseCycle:', 'eol:', 'eoas:', 'support:', 'title:', 'permalink:', 'true', 'false', '2026-13-01'];

describe('fuzzing every YAML reader: a result or a coded error, never a raw exception', () => {
  it(
    'firm profiles',
    async () => {
      const tally = await fuzz(textInputs([compactYaml(repoFile('data', 'templates', 'firm-profile.yaml'))], [...YAML_TOKENS, ...PROFILE_TOKENS]), (text) =>
        parseProfile(text, 'firm-profile.yaml'),
      );
      // Some mutants are still valid profiles: the fuzzing gets past the schema, not only the parser.
      expect(tally.ok, showTally(tally)).toBeGreaterThan(FUZZ_PARAMS.numRuns / 200);
      expect([...tally.codes.keys()], showTally(tally)).toEqual(expect.arrayContaining(['PROFILE_INVALID']));
    },
    FUZZ_TIMEOUT,
  );

  it(
    'evidence manifests (ccheck-evidence.yaml)',
    async () => {
      const tally = await fuzz(textInputs([compactYaml(repoFile('data', 'demo', 'ccheck-evidence.yaml'))], [...YAML_TOKENS, ...MANIFEST_TOKENS]), (text) =>
        parseEvidenceManifest(text, 'ccheck-evidence.yaml'),
      );
      expect(tally.ok, showTally(tally)).toBeGreaterThan(FUZZ_PARAMS.numRuns / 100);
    },
    FUZZ_TIMEOUT,
  );

  it(
    'endoflife.date product files (front matter)',
    async () => {
      const tally = await fuzz(textInputs([fixture('endoflife.md')], [...YAML_TOKENS, ...EOL_TOKENS]), (text) => parseEndOfLifeProduct('fortios.md', text));
      expect(tally.ok, showTally(tally)).toBeGreaterThan(FUZZ_PARAMS.numRuns / 100);
    },
    FUZZ_TIMEOUT,
  );

  it(
    'any YAML ccheck reads, through the shared limits (aliases, nesting, control characters)',
    async () => {
      const seeds = ['mechanism.yaml', 'applicability-rules.yaml', 'sources.yaml', 'seed-corrections.yaml'].map((f) =>
        compactYaml(repoFile('data', 'catalog', f), 30),
      );
      const tally = await fuzz(textInputs(seeds, YAML_TOKENS), (text) => {
        const data = readYamlData(text, 'data.yaml', 64 * 1024);
        // The limit holds: what comes out is never much larger than what went in.
        expect(JSON.stringify(data ?? null).length).toBeLessThan(4 * (text.length + 4096));
      });
      expect(tally.ok, showTally(tally)).toBeGreaterThan(FUZZ_PARAMS.numRuns / 100);
    },
    FUZZ_TIMEOUT,
  );

  describe('curated catalog data read from a folder', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ccheck-fuzz-data-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const loaders = [
      { file: 'mechanism.yaml', load: () => loadMechanismReference(dir) },
      { file: 'applicability-rules.yaml', load: () => loadApplicabilityRules(dir) },
      { file: 'sources.yaml', load: () => loadSources(dir) },
    ];
    // The YAML itself is fuzzed above (10,000 inputs over these files); here each file's schema,
    // through the real loader and a real file, with fewer inputs each.
    for (const { file, load } of loaders) {
      it(
        file,
        async () => {
          const tally = await fuzz(
            textInputs([compactYaml(repoFile('data', 'catalog', file), 30)], YAML_TOKENS),
            (text) => {
              writeFileSync(path.join(dir, file), text);
              return load();
            },
            { ...FUZZ_PARAMS, numRuns: Math.ceil(FUZZ_PARAMS.numRuns / 10) },
          );
          expect(tally.ok, showTally(tally)).toBeGreaterThan(0);
        },
        FUZZ_TIMEOUT,
      );
    }
  });
});
