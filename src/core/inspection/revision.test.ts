import { describe, expect, it } from 'vitest';
import { CoreError } from '../errors.js';
import { assertRevisable } from './revision.js';

const code = (f: () => void): string | null => {
  try {
    f();
    return null;
  } catch (e) {
    return e instanceof CoreError ? e.code : 'other';
  }
};

describe('assertRevisable (a correction of a signed run is its next revision)', () => {
  const signed = { signedBy: 'ciso' };
  it('allows the latest revision once it is signed', () => {
    expect(code(() => assertRevisable(signed, '2026-Q3', 1, 1))).toBeNull();
    expect(code(() => assertRevisable(signed, '2026-Q3', 2, 2))).toBeNull();
  });
  it('refuses an unsigned run (it is corrected directly)', () => {
    expect(code(() => assertRevisable(null, '2026-Q3', 1, 1))).toBe('RUN_NOT_SIGNED');
  });
  it('refuses a revision that is not the latest (no two corrections of one inspection)', () => {
    expect(code(() => assertRevisable(signed, '2026-Q3', 1, 2))).toBe('RUN_REVISED');
  });
});
