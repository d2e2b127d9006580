import { assertRetentionYears } from '../../core/inspection/signoff.js';
import { assertDeletable } from '../../core/inspection/retention.js';
import { actorLabel, assertCan, type Actor } from '../../core/people/actor.js';
import type { Clock } from '../../core/ports/clock.js';
import type { FirmRepository } from '../../core/ports/repositories.js';
import { resolveFirm } from './firms.js';
import { parseInput, retentionInputSchema } from './schemas.js';

/** A firm's retention: how many years its signed inspections and packages are kept, and who set it. */
export interface RetentionSetting {
  readonly years: number;
  readonly setBy: string;
  readonly setAt: string;
}

/** Where retention settings are kept (the façade implements it on the database, each write audited). */
export interface RetentionStore {
  of(firmId: string): Promise<RetentionSetting | null>;
  /** Writes the setting in one transaction, audited under `actorLabel` as `firm.set_retention`. */
  set(actorLabel: string, firmId: string, setting: RetentionSetting): Promise<RetentionSetting>;
}

export interface RetentionDeps {
  readonly firms: FirmRepository;
  readonly retention: RetentionStore;
  readonly clock: Clock;
}

/**
 * Sets how many years a firm keeps its signed inspections and packages. Part of the firm's
 * settings: the actor needs firm.edit on that firm (the administrator's, not an officer's).
 */
export async function setRetention(deps: RetentionDeps, actor: Actor, input: { firm: string; years: number }): Promise<RetentionSetting> {
  const { firm: ref, years } = parseInput(retentionInputSchema, input, 'retention');
  assertRetentionYears(years);
  const firm = await resolveFirm(deps.firms, ref);
  assertCan(actor, 'firm.edit', firm.id);
  const label = actorLabel(actor);
  return deps.retention.set(label, firm.id, { years, setBy: label, setAt: deps.clock.now() });
}

/**
 * The guard every deletion of a run or its package must pass (there is no delete command yet):
 * what the run is, when it was signed (null: not signed) and its firm's retention decide (core rule).
 */
export async function assertMayDelete(
  deps: RetentionDeps,
  run: { readonly firmId: string; readonly what: string; readonly signedAt: string | null },
): Promise<void> {
  const setting = run.signedAt === null ? null : await deps.retention.of(run.firmId);
  assertDeletable(run.what, run.signedAt, setting?.years ?? null, deps.clock.today());
}
