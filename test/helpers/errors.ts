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

/** The code of the CoreError a promise (or a call) ends with, or null when it succeeds. */
export async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | null> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof CoreError) return e.code;
    throw e;
  }
  return null;
}
