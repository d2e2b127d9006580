import { CoreError } from '../errors.js';

/**
 * Who a name means, for maker-checker (覆核須由紀錄者以外之人為之). Names are typed by people and
 * look alike in many spellings, so they are compared as principals, not as strings:
 * - format (Cf: zero-width space, soft hyphen, bidi marks) and control (Cc) characters are
 *   refused outright: they are invisible and exist only to make one name look like two;
 * - Unicode NFKC folds fullwidth letters (ａｌｉｃｅ) and composes decomposed accents (José);
 * - case and runs of white space do not matter;
 * - `ccheck (X)`, the name `ccheck run` records an analyzer's results under, is X: the person
 *   who started the run answers for what it recorded.
 */
export function principalOf(name: string, field = 'actor'): string {
  const bad = /[\p{Cc}\p{Cf}]/u.exec(name);
  if (bad) {
    const codepoint = `U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new CoreError(
      'ACTOR_NAME_INVALID',
      `the name "${name.replace(/[\p{Cc}\p{Cf}]/gu, '?')}" holds an invisible format or control character (${codepoint}); type the name in plain characters`,
      { name: name.replace(/[\p{Cc}\p{Cf}]/gu, '?'), codepoint },
      { field },
    );
  }
  // An account (written by actorLabel) is its id, whatever its display name: two accounts named
  // alike stay two people, and renaming an account keeps it the same person.
  const account = /\[account ([^\]\s]+)\]$/u.exec(name.trim());
  if (account) return `account:${account[1]}`;
  const folded = name.normalize('NFKC').toLowerCase().normalize('NFKC').replace(/\s+/gu, ' ').trim();
  const wrapped = /^ccheck ?\((.*)\)$/u.exec(folded);
  if (wrapped) return principalOf(wrapped[1]!, field);
  if (!folded) throw new CoreError('ACTOR_NAME_INVALID', 'the name is empty', { name, codepoint: '' }, { field });
  return folded;
}

/**
 * The principal of a name already stored (a recorder, a finding's owner): written before names
 * were checked, it may hold invisible characters. They are dropped rather than refused, so the
 * stored name still means its person and can never be used to slip past maker-checker, nor block
 * an approval forever.
 */
export function principalOfStored(name: string): string {
  return principalOf(name.replace(/[\p{Cc}\p{Cf}]/gu, ''), 'recorded_by');
}

/** True when two names mean the same principal. */
export function isSamePrincipal(a: string, b: string): boolean {
  return principalOf(a) === principalOf(b);
}
