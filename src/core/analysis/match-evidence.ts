import { z } from 'zod';
import { parseAnyDate } from '../dates.js';
import { CoreError, type Problem } from '../errors.js';
import type { Analyzer } from './analyzer.js';

/** The file that tells `ccheck run` which evidence goes where; optional, in the evidence folder. */
export const MANIFEST_FILE = 'ccheck-evidence.yaml';

const dateString = z.union([z.string(), z.date()]).transform((v, ctx) => {
  try {
    return parseAnyDate(v instanceof Date ? v.toISOString().slice(0, 10) : v);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not a date: ${String(v)}` });
    return z.NEVER;
  }
});

/** ccheck-evidence.yaml: which files each analyzer reads (globs relative to the folder), and attestations. */
export const EvidenceManifestFile = z.strictObject({
  period: z.string().optional(),
  analyzers: z
    .record(
      z.string(),
      z.strictObject({
        files: z.array(z.string().min(1)).min(1),
        options: z
          .record(
            z.string(),
            z.union([z.string(), z.number(), z.date()]).transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v))),
          )
          .optional(),
      }),
    )
    .optional(),
  attestations: z
    .array(
      z.strictObject({
        path: z.string().min(1),
        status: z.enum(['pass', 'fail', 'partial', 'not_applicable']),
        justification: z.string().min(1),
        evidence: z.array(z.string().min(1)).optional(),
        expires_on: dateString.optional(),
        /** Instead of a date: valid for this many days from the day of the run. */
        valid_for_days: z.number().int().positive().optional(),
      }),
    )
    .optional(),
});
export type EvidenceManifest = z.output<typeof EvidenceManifestFile>;

/** A file in the evidence folder: its path relative to the folder (`/`-separated) and its head. */
export interface EvidenceFileHead {
  readonly path: string;
  readonly head: string;
}

export type MatchReason = 'manifest' | 'folder' | 'content';

export interface AnalyzerAssignment {
  readonly analyzer: string;
  readonly files: readonly string[];
  readonly options: Readonly<Record<string, string>>;
  /** How each file was matched: named in the manifest, in a folder named after the analyzer, or recognised by its content. */
  readonly matchedBy: Readonly<Record<string, MatchReason>>;
}

export interface EvidenceAttestation {
  readonly path: string;
  readonly status: 'pass' | 'fail' | 'partial' | 'not_applicable';
  readonly justification: string;
  readonly evidence: readonly string[];
  readonly expiresOn: string | null;
  readonly validForDays: number | null;
}

export interface EvidencePlan {
  readonly analyzers: readonly AnalyzerAssignment[];
  readonly attestations: readonly EvidenceAttestation[];
  /** Files no analyzer and no attestation uses: listed for the user, never silently dropped. */
  readonly unmatched: readonly string[];
}

/** `*` within one folder, `**` across folders, `?` one character; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Decides which analyzer reads which file. With a manifest, exactly what it names (a pattern that
 * matches nothing is an error: a missing firewall export must not turn into a silent pass).
 * Without one, a file under a folder named after an analyzer (`rule-set/…`) goes to that analyzer
 * only; any other file goes to every analyzer that recognises its content.
 */
export function matchEvidence(
  analyzers: readonly Analyzer[],
  files: readonly EvidenceFileHead[],
  manifest: EvidenceManifest | null,
  manifestName = MANIFEST_FILE,
): EvidencePlan {
  const used = new Set<string>();
  const byId = new Map(analyzers.map((a) => [a.id, a]));
  const problems: Problem[] = [];
  const expand = (patterns: readonly string[], field: string): string[] => {
    const out: string[] = [];
    for (const p of patterns) {
      const re = globToRegExp(p.replace(/^\.\//, ''));
      const hits = files.filter((f) => re.test(f.path)).map((f) => f.path);
      if (!hits.length)
        problems.push({
          location: { file: manifestName, field },
          en: `"${p}" matches no file in the evidence folder`,
          zh: `「${p}」在佐證資料夾中找不到相符的檔案`,
        });
      out.push(...hits);
    }
    return [...new Set(out)];
  };

  const assignments: AnalyzerAssignment[] = [];
  const attestations: EvidenceAttestation[] = [];
  if (manifest) {
    for (const [id, spec] of Object.entries(manifest.analyzers ?? {})) {
      if (!byId.has(id)) {
        problems.push({
          location: { file: manifestName, field: `analyzers.${id}` },
          en: `no analyzer "${id}" (known: ${[...byId.keys()].join(', ')})`,
          zh: `沒有「${id}」這個自動化檢查（可用：${[...byId.keys()].join('、')}）`,
        });
        continue;
      }
      const hit = expand(spec.files, `analyzers.${id}.files`);
      hit.forEach((f) => used.add(f));
      if (hit.length)
        assignments.push({ analyzer: id, files: hit, options: spec.options ?? {}, matchedBy: Object.fromEntries(hit.map((f) => [f, 'manifest' as const])) });
    }
    (manifest.attestations ?? []).forEach((a, i) => {
      const evidence = expand(a.evidence ?? [], `attestations[${i}].evidence`);
      evidence.forEach((f) => used.add(f));
      attestations.push({
        path: a.path,
        status: a.status,
        justification: a.justification,
        evidence,
        expiresOn: a.expires_on ?? null,
        validForDays: a.valid_for_days ?? null,
      });
    });
    used.add(manifestName);
  } else {
    const inAnalyzerFolder = (p: string) => analyzers.some((a) => p.startsWith(`${a.id}/`));
    for (const a of analyzers) {
      const matchedBy: Record<string, MatchReason> = {};
      for (const f of files) {
        if (f.path.startsWith(`${a.id}/`)) matchedBy[f.path] = 'folder';
        else if (!inAnalyzerFolder(f.path) && a.recognises?.({ name: f.path, head: f.head })) matchedBy[f.path] = 'content';
      }
      const hit = Object.keys(matchedBy);
      hit.forEach((f) => used.add(f));
      if (hit.length) assignments.push({ analyzer: a.id, files: hit, options: {}, matchedBy });
    }
  }
  if (problems.length)
    throw new CoreError(
      'EVIDENCE_MANIFEST_INVALID',
      `${manifestName}: ${problems.length} problem(s)`,
      { count: problems.length },
      { file: manifestName, field: problems[0]!.location.field },
      problems,
    );
  return { analyzers: assignments, attestations, unmatched: files.map((f) => f.path).filter((f) => !used.has(f)) };
}
