import { createHash } from 'node:crypto';
import { evaluateApplicability } from '../../core/applicability/evaluate-applicability.js';
import { canonicalJson } from '../../core/catalog/catalog-version.js';
import { CoreError } from '../../core/errors.js';
import { initialResult, itemsOfPeriod } from '../../core/inspection/initial-result.js';
import { resultContentHash } from '../../core/inspection/item-result.js';
import { assertRunWritable } from '../../core/inspection/signoff.js';
import { actorLabel, assertCan, type Actor } from '../../core/people/actor.js';
import { parsePeriod } from '../../core/plan/periods.js';
import type { Firm, InspectionRun, RunRevision } from '../../core/ports/records.js';
import type { InspectionRepositories } from '../../core/ports/repositories.js';
import type { CatalogSource, InspectionDeps } from './deps.js';
import { resolveFirm } from './firms.js';

export interface RunRef {
  readonly firm: string;
  readonly period: string;
  readonly revision?: number;
}

/**
 * The period's run: its latest revision, or the one asked for (1 is the run as first started).
 * A signed run that was revised stays stored as it was; the correction is the next revision.
 */
export async function resolveRun(repos: InspectionRepositories, ref: RunRef): Promise<{ firm: Firm } & RunRevision> {
  const firm = await resolveFirm(repos.firms, ref.firm);
  const period = parsePeriod(ref.period).id;
  return { firm, ...pickRevision(firm.name, period, await repos.runs.forPeriod(firm.id, period), ref.revision) };
}

/**
 * The revision asked for among a period's revisions (oldest first), or the latest: RUN_NOT_FOUND
 * naming the firm and period when there is none. One rule for every reader of a run (the run page
 * reads its revisions joined with what it shows, run-view-service).
 */
export function pickRevision<R extends { readonly revision: number }>(firmName: string, period: string, revisions: readonly R[], revision?: number): R {
  if (!revisions.length) throw new CoreError('RUN_NOT_FOUND', `${firmName} has no inspection for ${period}`, { period });
  const found = revision === undefined ? revisions[revisions.length - 1] : revisions.find((r) => r.revision === revision);
  if (!found) throw new CoreError('RUN_NOT_FOUND', `${firmName} has no revision ${revision} of ${period} (it has ${revisions.length})`, { period });
  return found;
}

/** The read-only rule (臺證輔字第1060504884號: 簽核完竣之稽核報告應採唯讀方式儲存), checked inside each write's transaction. */
export async function assertWritable(repos: InspectionRepositories, run: InspectionRun, what: string): Promise<void> {
  const s = await repos.runs.signoff(run.id);
  assertRunWritable(s ? { signedBy: s.signedBy, signedAt: s.signedAt } : null, run.period, what);
}

export async function getRun(deps: InspectionDeps, actor: Actor, ref: RunRef): Promise<{ firm: Firm } & RunRevision> {
  const found = await resolveRun(deps.store, ref);
  assertCan(actor, 'firm.read', found.firm.id);
  return found;
}

export async function listRuns(deps: InspectionDeps, actor: Actor, firmId?: string): Promise<InspectionRun[]> {
  assertCan(actor, 'firm.read', firmId);
  return (await deps.store.runs.list(firmId)).filter((r) => firmId || actor.grants.some((g) => g.firmId === null || g.firmId === r.firmId));
}

/**
 * Starts the inspection of one period: one result per item of that cadence, `not_run` where it
 * applies and `not_applicable` (with the reason) where it does not. The catalog version and the
 * applicability decisions are frozen into the run.
 */
export async function startRun(
  deps: InspectionDeps & { readonly catalog: CatalogSource },
  actor: Actor,
  input: { firm: string; period: string; version?: string },
): Promise<{ run: InspectionRun; applicable: number; notApplicable: number }> {
  const firm = await resolveFirm(deps.store.firms, input.firm);
  assertCan(actor, 'run.start', firm.id);
  const period = parsePeriod(input.period);
  const version = deps.catalog.version(input.version);
  const decisions = evaluateApplicability(version, [...deps.catalog.rules()], firm.profile).decisions;
  const decisionOf = new Map(decisions.map((d) => [d.path, d]));
  const items = itemsOfPeriod(version.nodes, period);
  const inRun = new Set(items.map((i) => i.path));
  return deps.store.write(actorLabel(actor), async (tx) => {
    if ((await tx.runs.forPeriod(firm.id, period.id)).length)
      throw new CoreError('RUN_EXISTS', `${firm.name} already has an inspection for ${period.id}`, { period: period.id });
    const stored = await tx.runs.storedCatalogVersion(version.id);
    if (!stored) {
      await tx.runs.storeCatalogVersion(
        { id: version.id, hash: version.hash, effectiveDate: version.effectiveDate, contentJson: JSON.stringify(version) },
        deps.clock.now(),
      );
    } else if (stored.hash !== version.hash) {
      throw new CoreError('CATALOG_VERSION_CONFLICT', `catalog version ${version.id} in the database differs from the catalog (${stored.hash})`, {
        id: version.id,
      });
    }
    const run = await tx.runs.add({
      id: deps.ids.next(),
      firmId: firm.id,
      catalogVersionId: version.id,
      catalogHash: version.hash,
      period: period.id,
      frequency: period.frequency,
      applicability: decisions.filter((d) => inRun.has(d.path)),
      profileHash: `sha256:${createHash('sha256').update(canonicalJson(firm.profile)).digest('hex')}`,
      startedAt: deps.clock.now(),
      startedBy: actorLabel(actor),
    });
    let applicable = 0;
    for (const item of items) {
      const content = initialResult(run.id, item, decisionOf.get(item.path)!, period);
      if (content.status === 'not_run') applicable++;
      await tx.results.add({ id: deps.ids.next(), content, code: item.code, contentHash: resultContentHash(content) });
    }
    return { run, applicable, notApplicable: items.length - applicable };
  });
}
