import { CoreError } from '../../core/errors.js';
import { assertTransition, type FindingSeverity, type FindingStatus } from '../../core/inspection/finding.js';
import { principalOf } from '../../core/inspection/principal.js';
import { actorLabel, assertCan, type Actor } from '../../core/people/actor.js';
import { firmsAllowed } from '../../core/people/roles.js';
import type { Finding } from '../../core/ports/records.js';
import type { FindingPatch, FindingRepository } from '../../core/ports/repositories.js';
import type { InspectionDeps } from './deps.js';
import { assertWritable } from './runs.js';
import { findingUpdateSchema, parseInput } from './schemas.js';

export interface FindingUpdate {
  readonly severity?: FindingSeverity;
  readonly rootCause?: string;
  readonly correctiveAction?: string;
  readonly owner?: string;
  readonly dueOn?: string;
  /** Move the finding on (open → in_progress → remediated → verified_closed). */
  readonly to?: FindingStatus;
  /** Needed to close it: how the fix was shown to work. */
  readonly effectivenessCheck?: string;
}

/** The findings the actor may read (of one firm, or of every firm granted). */
export async function listFindings(deps: InspectionDeps, actor: Actor, firmId?: string): Promise<Finding[]> {
  assertCan(actor, 'firm.read', firmId);
  const allowed = firmsAllowed(actor.grants, 'firm.read');
  const all = await deps.store.findings.list(firmId);
  return allowed === 'all' ? all : all.filter((f) => allowed.includes(f.firmId));
}

/** A finding by its id or an unambiguous prefix (as lists show it). */
export async function resolveFinding(findings: FindingRepository, id: string): Promise<Finding> {
  const rows = await findings.byIdPrefix(id);
  if (rows.length !== 1) throw new CoreError('FINDING_NOT_FOUND', rows.length ? `finding id ${id} is ambiguous` : `no finding ${id}`, { id });
  return rows[0]!;
}

/** Root cause, corrective action, owner, due date, severity, and the finding's next state (audited). */
export async function updateFinding(deps: InspectionDeps, actor: Actor, id: string, u: FindingUpdate): Promise<Finding> {
  u = parseInput(findingUpdateSchema, u, `finding ${id}`);
  const label = actorLabel(actor);
  return deps.store.write(label, async (tx) => {
    const f = await resolveFinding(tx.findings, id);
    assertCan(actor, 'finding.update', f.firmId);
    const run = await tx.runs.byId(f.runId);
    if (run) await assertWritable(tx, run, 'finding update');
    const next: { -readonly [K in keyof FindingPatch]: FindingPatch[K] } = {};
    if (u.severity) next.severity = u.severity;
    if (u.rootCause) next.rootCause = u.rootCause;
    if (u.correctiveAction) next.correctiveAction = u.correctiveAction;
    if (u.owner) {
      principalOf(u.owner, 'owner'); // an owner's name must be one maker-checker can compare
      next.owner = u.owner;
    }
    if (u.dueOn) next.dueOn = u.dueOn;
    if (u.to) {
      const merged = { ...f, ...next };
      assertTransition(merged, u.to, { actor: label, effectivenessCheck: u.effectivenessCheck });
      next.status = u.to;
      if (u.to === 'verified_closed') {
        next.effectivenessCheck = u.effectivenessCheck!.trim();
        next.verifiedBy = label;
        next.verifiedAt = deps.clock.now();
      }
    }
    if (Object.keys(next).length === 0) return f;
    return tx.findings.update(f.id, next, u.to ? `finding.${u.to}` : 'finding.update');
  });
}
