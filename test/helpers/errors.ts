import { CoreError } from '../../src/core/errors.js';

/** The CoreError a call throws, so a test can check its code, location and problems. */
export function errorOf(fn: () => unknown): CoreError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CoreError) return e;
    throw e;
  }
  throw new Error('expected an error');
}
