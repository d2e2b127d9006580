import { CoreError } from '../errors.js';
import { principalOf, principalOfStored } from './principal.js';

export const FINDING_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

/** 缺失狀態: open → in_progress → remediated → verified_closed (an ineffective fix goes back to in_progress). */
export const FINDING_STATUSES = ['open', 'in_progress', 'remediated', 'verified_closed'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

const NEXT: Record<FindingStatus, readonly FindingStatus[]> = {
  open: ['in_progress', 'remediated'],
  in_progress: ['remediated'],
  remediated: ['verified_closed', 'in_progress'],
  verified_closed: [],
};

export interface FindingState {
  readonly id: string;
  readonly status: FindingStatus;
  readonly owner: string | null;
  readonly correctiveAction: string | null;
  readonly dueOn: string | null;
  readonly rootCause: string | null;
}

/**
 * A finding moves forward only. Remediation needs an owner, a corrective action and a due
 * date; closing needs an effectiveness check by someone other than the owner.
 */
export function assertTransition(f: FindingState, to: FindingStatus, ctx: { actor: string; effectivenessCheck?: string | null }): void {
  const fail = (what: string): never => {
    throw new CoreError('FINDING_INVALID_TRANSITION', `finding ${f.id}: ${what}`, { id: f.id, from: f.status, to });
  };
  if (!NEXT[f.status].includes(to)) fail(`cannot go from ${f.status} to ${to}`);
  if (to === 'remediated' && (!f.owner || !f.correctiveAction || !f.dueOn || !f.rootCause)) {
    fail('root cause, corrective action, owner and due date are needed before it is remediated');
  }
  if (to === 'verified_closed') {
    if (!ctx.effectivenessCheck || ctx.effectivenessCheck.trim().length < 5)
      fail('closing needs an effectiveness check (how the correction was shown to work)');
    // The same person under another spelling is still the owner (see principalOf).
    if (f.owner && principalOfStored(f.owner) === principalOf(ctx.actor)) fail(`${ctx.actor} owns the corrective action and cannot verify its effectiveness`);
  }
}

/** What recording a result does to the item's findings. */
export type FindingDecision =
  | { readonly action: 'none' }
  | { readonly action: 'keep'; readonly findingId: string }
  | { readonly action: 'open'; readonly previousFindingId: string | null; readonly repeat: boolean };

/**
 * A failed or partial result opens a finding, unless the result already has one that is not
 * verified closed (it stays the same finding). A new finding on an item that had a finding in an
 * earlier period is a repeat finding and links to it (重複缺失: the register shows recurrence).
 * Any other status opens nothing; an open finding stays open until it is verified closed.
 */
export function decideFinding(status: string, open: { readonly id: string } | null, earlier: { readonly id: string } | null): FindingDecision {
  if (status !== 'fail' && status !== 'partial') return { action: 'none' };
  if (open) return { action: 'keep', findingId: open.id };
  return { action: 'open', previousFindingId: earlier?.id ?? null, repeat: earlier !== null };
}

/** An analyzer finding's severity (`info` … `high`) as a finding's severity (`low` … `critical`). */
export const SEVERITY_OF_ANALYZER: Readonly<Record<'info' | 'low' | 'medium' | 'high', FindingSeverity>> = {
  info: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
};

const RANK: Readonly<Record<FindingSeverity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * The severity of the finding an analyzer's failing findings open on an item: the highest of
 * them, mapped (a `high` rule anomaly opens a `high` finding, not the default `medium`).
 * Without failing findings (an analyzer's own judgement), `medium`.
 */
export function findingSeverityOf(failing: readonly { readonly severity: keyof typeof SEVERITY_OF_ANALYZER }[]): FindingSeverity {
  if (!failing.length) return 'medium';
  return failing.map((f) => SEVERITY_OF_ANALYZER[f.severity]).reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
}
