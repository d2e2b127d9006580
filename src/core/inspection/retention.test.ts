import { describe, expect, it } from 'vitest';
import { CoreError } from '../errors.js';
import { assertDeletable } from './retention.js';

const untilOf = (fn: () => void): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CoreError && e.code === 'RETENTION_ACTIVE') return String(e.params.until);
    throw e;
  }
  return 'deletable';
};

describe('when a run may be deleted', () => {
  it('lets an unsigned run go, whatever the retention', () => {
    expect(untilOf(() => assertDeletable('2026-11 revision 1', null, null, '2026-11-30'))).toBe('deletable');
  });

  it('keeps a signed run indefinitely while its firm has no retention period', () => {
    expect(untilOf(() => assertDeletable('2026-11 revision 1', '2026-11-27T02:00:00Z', null, '2126-01-01'))).toBe('∞');
  });

  it('keeps a signed run until the period after its sign-off ends, and no longer', () => {
    expect(untilOf(() => assertDeletable('2026-11 revision 1', '2026-11-27T02:00:00Z', 7, '2033-11-26'))).toBe('2033-11-27');
    expect(untilOf(() => assertDeletable('2026-11 revision 1', '2026-11-27T02:00:00Z', 7, '2033-11-27'))).toBe('deletable');
  });
});
