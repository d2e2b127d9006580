import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import type { ApplicabilityRule } from '../core/applicability/applicability-rule.js';
import type { EnglishOverlay, MechanismReference, SourceCorrections } from '../core/catalog/mechanism-reference.js';
import { CoreError } from '../core/errors.js';
import { CHANNELS, SERVICES } from '../core/profile/firm-profile.js';
import type { TierScheme } from '../core/profile/tier-scheme.js';
import { isValidPath } from '../core/catalog/catalog-node.js';
import { readYamlData } from '../formats/yaml-input.js';
import { packageRoot } from './locations.js';
import { READ_LIMITS } from './read-text-file.js';

export { packageRoot };

export const catalogDataDir = () => path.join(packageRoot(), 'data', 'catalog');
export const builtinVersionsDir = () => path.join(catalogDataDir(), 'versions');

const frequency = z.enum(['monthly', 'semiannual', 'annual']);
const appliesTo = z.enum(['internet_order_brokers', 'all_brokers', 'colocation_users']);

const MechanismFile = z.strictObject({
  source: z.string(),
  entries: z.array(
    z.strictObject({
      path: z.string(),
      title: z.string().optional(),
      title_en: z.string().optional(),
      code: z
        .string()
        .regex(/^CC-\d{5}$/)
        .optional(),
      frequency: frequency.optional(),
      applies_to: appliesTo.optional(),
      note: z.string().optional(),
    }),
  ),
});

const CorrectionsFile = z.strictObject({
  source_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  corrections: z.array(
    z.strictObject({
      column: z.enum(['amended', 'current']),
      path: z.string(),
      field: z.enum(['title', 'text', 'effectiveDate']),
      from: z.string().nullable(),
      to: z.string().nullable(),
      why: z.string(),
    }),
  ),
});

const VersionRef = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/),
  effective_date: z.string().nullable(),
  effective_date_note: z.string().nullable().optional(),
});

const SourcesFile = z.strictObject({
  amendments: z.array(
    z.strictObject({
      file: z.string(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      corrections: z.string().optional(),
      english: z.string().optional(),
      current: VersionRef,
      amended: VersionRef,
    }),
  ),
});
export type CatalogSources = z.infer<typeof SourcesFile>;

function loadYaml<T>(file: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(readYamlData(readFileSync(file, 'utf8'), file, READ_LIMITS.curatedYaml));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue ? issue.path.map(String).join('.') : '';
    throw new CoreError(
      'INPUT_UNSUPPORTED_FORMAT',
      `${file}: ${field ? `${field}: ` : ''}${issue?.message ?? 'invalid'} (${parsed.error.issues.length} problem(s) in curated data)`,
      { context: 'content', detail: issue?.message ?? '' },
      { file, field: field || undefined },
    );
  }
  return parsed.data;
}

export function loadMechanismReference(dir = catalogDataDir()): MechanismReference {
  const m = loadYaml(path.join(dir, 'mechanism.yaml'), MechanismFile);
  return {
    source: m.source,
    entries: m.entries.map((e) => ({
      path: e.path,
      title: e.title,
      titleEn: e.title_en,
      code: e.code,
      frequency: e.frequency,
      appliesTo: e.applies_to,
      note: e.note,
    })),
  };
}

export function loadCorrections(file: string): SourceCorrections {
  const c = loadYaml(file, CorrectionsFile);
  return { sourceSha256: c.source_sha256, corrections: c.corrections };
}

/** Every corrections file shipped with ccheck; each applies only to the file whose hash it names. */
export function loadAllCorrections(dir = catalogDataDir()): SourceCorrections[] {
  return loadSources(dir).amendments.flatMap((a) => (a.corrections ? [loadCorrections(path.join(dir, a.corrections))] : []));
}

const EnglishFile = z.strictObject({
  source: z.string(),
  entries: z.record(z.string(), z.strictObject({ title: z.string().optional(), text: z.string().optional() })),
});

export function loadEnglish(file: string): EnglishOverlay {
  return loadYaml(file, EnglishFile);
}

/** The curated source entry for a file ccheck ships versions of, found by the file's SHA-256. */
export function knownSource(sha256: string, dir = catalogDataDir()): CatalogSources['amendments'][number] | undefined {
  return loadSources(dir).amendments.find((a) => a.sha256 === sha256);
}

export function loadSources(dir = catalogDataDir()): CatalogSources {
  return loadYaml(path.join(dir, 'sources.yaml'), SourcesFile);
}

const RulesFile = z.strictObject({
  rules: z.array(
    z.strictObject({
      id: z.string().regex(/^[a-z0-9-]+$/),
      match: z
        .strictObject({ applies_to: appliesTo.optional(), path: z.string().optional() })
        .refine((m) => m.applies_to || m.path, 'match needs applies_to or path'),
      require: z
        .strictObject({ channel: z.enum(CHANNELS).optional(), service: z.enum(SERVICES).optional(), colocation: z.boolean().optional() })
        .refine((r) => Object.keys(r).length === 1, 'require exactly one fact'),
      basis: z.string(),
    }),
  ),
});

/** The applicability rules shipped beside the catalog. */
export function loadApplicabilityRules(dir = catalogDataDir()): ApplicabilityRule[] {
  return loadYaml(path.join(dir, 'applicability-rules.yaml'), RulesFile).rules.map((r) => ({
    id: r.id,
    match: { appliesTo: r.match.applies_to, path: r.match.path },
    require: r.require,
    basis: r.basis,
  }));
}

const TiersFile = z.strictObject({
  source: z.string(),
  levels: z
    .array(
      z.strictObject({
        level: z.number().int().positive(),
        name: z.string().min(1),
        name_en: z.string().min(1),
        requires: z.array(z.string().refine(isValidPath, 'not an item path such as 10/(3)')),
      }),
    )
    .min(1)
    .refine((l) => new Set(l.map((x) => x.level)).size === l.length, 'levels must not repeat'),
});

/** The 資安分級 levels (data/catalog/tiers.yaml) a firm profile may name, and what each requires. */
export function loadTierScheme(dir = catalogDataDir()): TierScheme {
  const t = loadYaml(path.join(dir, 'tiers.yaml'), TiersFile);
  return { source: t.source, levels: t.levels.map((l) => ({ level: l.level, name: l.name, nameEn: l.name_en, requires: l.requires })) };
}

/** The Traditional Chinese fonts shipped by the npm package @embedpdf/fonts-tc (OFL-1.1). */
export function reportFonts(): { regular: Buffer; bold: Buffer } {
  const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-tc');
  // The package's "exports" hides its font files: they sit beside its entry file.
  const dir = path.join(path.dirname(entry), '..', 'fonts');
  return { regular: readFileSync(path.join(dir, 'NotoSansHant-Regular.otf')), bold: readFileSync(path.join(dir, 'NotoSansHant-Bold.otf')) };
}
