import path from 'node:path';
import type { AnalyzerReport } from '../core/analysis/analyzer.js';
import { matchEvidence, type AnalyzerAssignment } from '../core/analysis/match-evidence.js';
import { addDays } from '../core/dates.js';
import { CoreError } from '../core/errors.js';
import { periodContaining, parsePeriod } from '../core/plan/periods.js';
import { ANALYZERS } from '../analyzers/registry.js';
import { readEvidenceManifest, scanEvidenceFolder, type NotUsedFile } from '../io/evidence-folder.js';
import { readProfileFile } from '../io/read-profile.js';
import { analyzeFiles } from './analysis-service.js';
import { recordAnalysis } from './use-cases/analysis.js';
import { actorOf, type InspectionService } from './inspection-service.js';

export interface RunFromFilesOptions {
  readonly profileFile: string;
  readonly evidenceDir: string;
  /** Default: the month containing today (or the manifest's `period`). */
  readonly period?: string;
  /** Who records the attestations (and starts the run). */
  readonly actor: string;
  /** Who records the analyzers' results; default: the actor. */
  readonly analyzerActor?: string;
}

export interface AnalyzerRun extends AnalyzerAssignment {
  readonly verdict: string;
  readonly findings: number;
  readonly recorded: readonly string[];
  readonly skipped: readonly string[];
}

export interface RunFromFilesResult {
  readonly licence: string;
  readonly period: string;
  readonly firmAdded: boolean;
  readonly profileUpdated: boolean;
  readonly runStarted: boolean;
  readonly analyzers: readonly AnalyzerRun[];
  readonly attestations: number;
  readonly unmatched: readonly string[];
  /** Every file not used, with why (not recognised, not in the manifest, a symbolic link, a suspicious archive). */
  readonly notUsed: readonly NotUsedFile[];
}

/**
 * `ccheck run`: a firm's own profile and evidence folder → the firm (added, or its profile
 * updated), the period's inspection (started if new), every analyzer on the files the manifest
 * or the folder layout gives it, and the manifest's attestations, all recorded as evidence.
 */
export async function runFromFiles(s: InspectionService, o: RunFromFilesOptions): Promise<RunFromFilesResult> {
  const today = s.clock.today();
  const profile = await readProfileFile(o.profileFile);
  const manifest = await readEvidenceManifest(o.evidenceDir);
  const scan = await scanEvidenceFolder(o.evidenceDir);
  const plan = matchEvidence(ANALYZERS, scan.files, manifest);
  const notUsed = notUsedFiles(scan.notUsed, plan.unmatched, manifest !== null);
  if (!plan.analyzers.length && !plan.attestations.length)
    throw new CoreError(
      'EVIDENCE_FOLDER_EMPTY',
      `${o.evidenceDir}: no file any analyzer reads (${plan.unmatched.length} other files)`,
      { dir: o.evidenceDir },
      { file: o.evidenceDir },
    );

  const licence = profile.firm.licence;
  const period = parsePeriod(o.period ?? manifest?.period ?? periodContaining(today, 'monthly').id).id;
  // Everything that only reads comes first: the analyzers, then the files into the vault
  // (content-addressed, harmless if the run fails). Then one transaction for every database
  // write, so a run that fails anywhere (an attestation to an item the run does not have)
  // stores nothing and can simply be run again.
  const analyzed: { a: AnalyzerAssignment; files: string[]; report: AnalyzerReport }[] = [];
  for (const a of plan.analyzers) {
    const files = a.files.map((f) => path.join(o.evidenceDir, f));
    // Files are named by their path in the evidence folder, in findings and in the vault alike.
    analyzed.push({ a, files, report: await analyzeFiles(a.analyzer, files, today, a.options, a.files) });
  }
  for (const f of [...analyzed.flatMap((x) => x.files), ...plan.attestations.flatMap((a) => a.evidence.map((e) => path.join(o.evidenceDir, e)))])
    await s.storeFile(f);

  return s.transaction(async () => {
    const exists = (await s.listFirms()).some((f) => f.licence === licence);
    let profileUpdated = false;
    if (!exists) await s.addFirm(o.actor, profile);
    else profileUpdated = (await s.updateFirmProfile(o.actor, profile)).changed;
    const firm = await s.firm(licence);
    const runStarted = !(await s.listRuns(firm.id)).some((r) => r.period === period);
    if (runStarted) await s.startRun(o.actor, licence, period);
    const ref = { firm: licence, period, collectedAt: today };

    const analyzers: AnalyzerRun[] = [];
    for (const { a, files, report } of analyzed) {
      const r = await recordAnalysis({ inspections: s }, actorOf(o.analyzerActor ?? o.actor), { ...ref, report, files, names: a.files });
      analyzers.push({ ...a, verdict: report.verdict, findings: report.findings.length, recorded: r.recorded, skipped: r.skipped });
    }
    for (const a of plan.attestations) {
      const shas: string[] = [];
      for (const f of a.evidence)
        shas.push((await s.addEvidence(o.actor, licence, path.join(o.evidenceDir, f), { collectedAt: today, name: f })).evidence.sha256);
      await s.setResult(
        o.actor,
        { ...ref, path: a.path },
        {
          status: a.status,
          source: 'attestation',
          justification: a.justification,
          expiresOn: a.expiresOn ?? (a.validForDays ? addDays(today, a.validForDays) : null),
          evidence: shas,
        },
      );
    }
    return {
      licence,
      period,
      firmAdded: !exists,
      profileUpdated,
      runStarted,
      analyzers,
      attestations: plan.attestations.length,
      unmatched: [...plan.unmatched, ...scan.notUsed.map((f) => f.path).filter((p) => !plan.unmatched.includes(p))].sort(),
      notUsed,
    };
  });
}

/** Why each file is not used: the scan's own reason first, else what matching decided. */
function notUsedFiles(skipped: readonly NotUsedFile[], unmatched: readonly string[], withManifest: boolean): NotUsedFile[] {
  const byPath = new Map(skipped.map((f) => [f.path, f]));
  for (const p of unmatched)
    if (!byPath.has(p))
      byPath.set(
        p,
        withManifest
          ? { path: p, reason: 'not named in ccheck-evidence.yaml', reasonZh: '未列於 ccheck-evidence.yaml' }
          : { path: p, reason: 'no analyzer recognises its content', reasonZh: '沒有自動化檢查能辨識其內容' },
      );
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
