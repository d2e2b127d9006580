import { describe, expect, it } from 'vitest';
import type { ApplicabilityDecision } from '../applicability/evaluate-applicability.js';
import { CoreError } from '../errors.js';
import { localOperator } from '../people/actor.js';
import { parsePeriod } from '../plan/periods.js';
import { decideFinding, findingSeverityOf } from './finding.js';
import { initialResult } from './initial-result.js';
import { assertCanReject, reviewState, type ReviewFact } from './review.js';
import { signoffBlockers } from './signoff.js';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CoreError) return e.code;
    throw e;
  }
  return 'none';
};

const applies: ApplicabilityDecision = {
  path: '7/(1)/d/(b)',
  code: 'CC-17010',
  applies: true,
  advisory: false,
  reason: 'binds every broker',
  reasonZh: '適用所有證券商',
  rules: [],
  facts: {},
  tierDependent: false,
};

describe('a run’s first result per item', () => {
  const november = parsePeriod('2026-11');
  it('is not_run where the item applies and is in force', () => {
    expect(initialResult('r', { path: '7/(1)/d/(b)', effectiveDate: '2026-11-30' }, applies, november)).toMatchObject({
      status: 'not_run',
      justification: null,
    });
  });
  it('is not_applicable, saying so, while the item is not yet in force — even where the profile says it applies', () => {
    const r = initialResult('r', { path: '7/(1)/d/(b)', effectiveDate: '2026-12-01' }, applies, november);
    expect(r.status).toBe('not_applicable');
    expect(r.justification).toContain('not in force until 2026-12-01');
  });
  it('is not_applicable with the applicability reason where the item does not apply', () => {
    const r = initialResult('r', { path: '7/(1)/d/(b)', effectiveDate: null }, { ...applies, applies: false, reason: 'no internet orders' }, november);
    expect(r).toMatchObject({ status: 'not_applicable', source: 'system' });
    expect(r.justification).toContain('no internet orders');
  });
});

describe('when a finding opens and when it recurs', () => {
  it('opens a new finding for a fail or a partial, and nothing for any other status', () => {
    expect(decideFinding('fail', null, null)).toEqual({ action: 'open', previousFindingId: null, repeat: false });
    expect(decideFinding('partial', null, null)).toEqual({ action: 'open', previousFindingId: null, repeat: false });
    for (const s of ['pass', 'not_applicable', 'error', 'not_run']) expect(decideFinding(s, null, { id: 'old' })).toEqual({ action: 'none' });
  });
  it('keeps the result’s finding that is not closed yet', () => {
    expect(decideFinding('fail', { id: 'f1' }, { id: 'old' })).toEqual({ action: 'keep', findingId: 'f1' });
  });
  it('links a finding on an item that had one in an earlier period (a repeat finding)', () => {
    expect(decideFinding('fail', null, { id: 'old' })).toEqual({ action: 'open', previousFindingId: 'old', repeat: true });
  });
});

describe('the severity of a finding an analyzer opens', () => {
  it('is the highest failing finding’s severity on the finding scale', () => {
    expect(findingSeverityOf([{ severity: 'low' }, { severity: 'high' }, { severity: 'medium' }])).toBe('high');
    expect(findingSeverityOf([{ severity: 'info' }])).toBe('low');
    expect(findingSeverityOf([{ severity: 'medium' }, { severity: 'low' }])).toBe('medium');
  });
  it('is medium for an analyzer’s own judgement without findings', () => {
    expect(findingSeverityOf([])).toBe('medium');
  });
});

describe('the review that counts', () => {
  const review = (kind: ReviewFact['kind'], seq: number, hash = 'h1'): ReviewFact => ({
    kind,
    by: 'bob',
    at: `t${seq}`,
    hash,
    reason: kind === 'reject' ? 'evidence is last year’s' : null,
    seq,
  });
  it('is approved only for the content approved, after its last recording', () => {
    expect(reviewState('h1', 3, [review('approve', 4)])?.state).toBe('approved');
    expect(reviewState('h2', 3, [review('approve', 4)])?.state).toBe('void');
    // changed and changed back: same hash, but recorded after the approval
    expect(reviewState('h1', 5, [review('approve', 4)])?.state).toBe('void');
    expect(reviewState('h1', 3, [])).toBeNull();
  });
  it('is rejected, with the reason, until the item is recorded again; then it awaits a review', () => {
    expect(reviewState('h1', 3, [review('approve', 4), review('reject', 5)])).toEqual({
      state: 'rejected',
      by: 'bob',
      at: 't5',
      reason: 'evidence is last year’s',
    });
    expect(reviewState('h1', 6, [review('reject', 5)])).toBeNull();
    expect(reviewState('h1', 3, [review('reject', 4), review('approve', 5)])?.state).toBe('approved');
  });
  it('blocks the sign-off while rejected', () => {
    const approval = reviewState('h1', 3, [review('reject', 4)]);
    const blockers = signoffBlockers([
      {
        path: 'a',
        code: null,
        status: 'pass',
        effectiveStatus: 'pass',
        source: 'attestation',
        justification: 'checked',
        recordedBy: 'alice',
        recordedAt: 't',
        expiresOn: null,
        evidence: [],
        contentHash: 'h1',
        approval,
      },
    ]);
    expect(blockers).toEqual([{ path: 'a', blocker: 'rejected' }]);
  });
});

describe('a rejection', () => {
  it('needs a reason and may not come from anyone who recorded the content (maker-checker)', () => {
    expect(codeOf(() => assertCanReject(['alice'], 'bob', 'a', 'the log is from 2025'))).toBe('none');
    expect(codeOf(() => assertCanReject(['alice'], 'bob', 'a', 'no'))).toBe('RESULT_INVALID');
    expect(codeOf(() => assertCanReject(['ＡＬＩＣＥ'], 'alice', 'a', 'the log is from 2025'))).toBe('RESULT_SELF_APPROVAL');
  });
});

describe('a local operator', () => {
  it('may not take an account’s form (it would be recorded and compared as that account)', () => {
    expect(codeOf(() => localOperator('王小明 [account 3f2a]'))).toBe('ACTOR_NAME_INVALID');
    expect(localOperator('王小明').kind).toBe('local');
  });
});
