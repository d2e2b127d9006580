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

/** The code of the CoreError a promise rejects with, or 'none' when it resolves. */
export async function codeOfAsync(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CoreError) return e.code;
    throw e;
  }
  return 'none';
}
