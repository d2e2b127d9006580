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
    if (!ctx.effectivenessCheck || ctx.effectivenessCheck.trim().length < 5) fail('closing needs an effectiveness check (--effectiveness)');
    // The same person under another spelling is still the owner (see principalOf).
    if (f.owner && principalOfStored(f.owner) === principalOf(ctx.actor)) fail(`${ctx.actor} owns the corrective action and cannot verify its effectiveness`);
  }
}
