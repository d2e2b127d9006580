import { describe, expect, it } from 'vitest';
import { CoreError } from '../errors.js';
import type { ItemResultView } from './item-result.js';
import {
  assertReadyForSignoff,
  assertRetentionOver,
  assertRetentionYears,
  assertRunWritable,
  assertSignerIndependent,
  retentionEnds,
  signedResultsHash,
  signoffBlockers,
} from './signoff.js';

const view = (path: string, o: Partial<ItemResultView> = {}): ItemResultView => ({
  path,
  code: null,
  status: 'pass',
  effectiveStatus: 'pass',
  source: 'attestation',
  justification: 'checked',
  recordedBy: 'alice',
  recordedAt: '2026-11-27T02:00:00.000Z',
  expiresOn: '2027-11-27',
  evidence: [],
  contentHash: `hash-of-${path}`,
  approval: { state: 'approved', by: 'bob', at: '2026-11-27T03:00:00.000Z' },
  ...o,
});

const codeOf = (fn: () => void): string => {
  try {
    fn();
  } catch (e) {
    return (e as CoreError).code;
  }
  return 'no error';
};

describe('readiness for sign-off', () => {
  it('names every item without a current approved result, and why', () => {
    const results = [
      view('a'),
      view('b', { status: 'not_run', effectiveStatus: 'not_run', approval: null }),
      view('c', { effectiveStatus: 'not_run' }), // an expired attestation
      view('d', { approval: null }),
      view('e', { approval: { state: 'void', by: 'bob', at: 'x' } }),
      view('f', { status: 'not_applicable', effectiveStatus: 'not_applicable', source: 'system', approval: null }), // ccheck decided it does not apply
      view('g', { status: 'not_applicable', effectiveStatus: 'not_applicable', approval: null }), // a person's not_applicable needs approval
    ];
    expect(signoffBlockers(results)).toEqual([
      { path: 'b', blocker: 'not_run' },
      { path: 'c', blocker: 'expired' },
      { path: 'd', blocker: 'not_approved' },
      { path: 'e', blocker: 'approval_void' },
      { path: 'g', blocker: 'not_approved' },
    ]);
    expect(codeOf(() => assertReadyForSignoff('2026-11', results))).toBe('RUN_NOT_READY_FOR_SIGNOFF');
    expect(codeOf(() => assertReadyForSignoff('2026-11', [view('a'), results[5]!]))).toBe('no error');
  });

  it('refuses a signer who recorded any result of the run, compared as principals', () => {
    expect(codeOf(() => assertSignerIndependent(['alice', 'ccheck (Dave)'], ' DAVE', '2026-11'))).toBe('RUN_SIGNOFF_SELF');
    expect(codeOf(() => assertSignerIndependent(['alice', 'ccheck (Dave)'], 'ａｌｉｃｅ', '2026-11'))).toBe('RUN_SIGNOFF_SELF');
    expect(codeOf(() => assertSignerIndependent(['alice', 'dave'], 'carol', '2026-11'))).toBe('no error');
  });

  it('makes a signed run read-only, and binds the sign-off to every result hash and approver', () => {
    expect(codeOf(() => assertRunWritable({ signedBy: 'carol', signedAt: 'x' }, '2026-11', 'result set'))).toBe('RUN_SIGNED');
    expect(codeOf(() => assertRunWritable(null, '2026-11', 'result set'))).toBe('no error');
    const a = signedResultsHash([{ path: 'a', contentHash: 'sha256:1', approvedBy: 'bob' }]);
    expect(signedResultsHash([{ path: 'a', contentHash: 'sha256:2', approvedBy: 'bob' }])).not.toBe(a);
    expect(signedResultsHash([{ path: 'a', contentHash: 'sha256:1', approvedBy: 'erin' }])).not.toBe(a);
  });
});

describe('retention', () => {
  it('keeps a signed run until its retention ends, counted from the sign-off day', () => {
    expect(retentionEnds('2026-11-27T02:00:00.000Z', 5)).toBe('2031-11-27');
    expect(codeOf(() => assertRetentionOver('2026-11 r1', '2026-11-27T02:00:00.000Z', 5, '2031-11-26'))).toBe('RETENTION_ACTIVE');
    expect(codeOf(() => assertRetentionOver('2026-11 r1', '2026-11-27T02:00:00.000Z', 5, '2031-11-27'))).toBe('no error');
    expect(codeOf(() => assertRetentionYears(0))).toBe('RESULT_INVALID');
    expect(codeOf(() => assertRetentionYears(2.5))).toBe('RESULT_INVALID');
  });
});
