import { CoreError } from '../errors.js';

/**
 * Passwords people choose (the first factor; 7/(1)/c/(c) asks for two factors, and a guessable
 * first one leaves only one). Length is what makes a password strong, so the floor is 12 code
 * points; beyond that the check refuses what guessing tools try first, after folding the usual
 * disguises (case, l33t digits, a year or "!" at the end, a repeated word): a common password,
 * the username, a keyboard walk or sequence, one character repeated.
 */
export const PASSWORD_MIN_LENGTH = 12;
/** More than this is a paste accident or an attempt to make hashing slow. */
export const PASSWORD_MAX_LENGTH = 256;

/**
 * A small list of the passwords and stems that top every leaked-password list (RockYou, the
 * yearly "worst passwords" lists), plus the local favourites of Taiwanese users (pinyin names,
 * "taiwan", the ROC year). Checked after folding, so "P@ssw0rd2026!" is "password".
 */
const COMMON_STEMS: readonly string[] = [
  'password',
  'passw0rd',
  'passwd',
  'pass',
  'welcome',
  'letmein',
  'admin',
  'administrator',
  'root',
  'qwerty',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  'iloveyou',
  'monkey',
  'dragon',
  'master',
  'football',
  'baseball',
  'superman',
  'batman',
  'sunshine',
  'princess',
  'shadow',
  'michael',
  'jennifer',
  'trustno1',
  'changeme',
  'default',
  'secret',
  'login',
  'abc',
  'abcd',
  'test',
  'guest',
  'user',
  'hello',
  'freedom',
  'whatever',
  'starwars',
  'pokemon',
  'computer',
  'internet',
  'security',
  'cybersecurity',
  'company',
  'summer',
  'winter',
  'spring',
  'autumn',
  'taiwan',
  'taipei',
  'kaohsiung',
  'iloveu',
  'woaini',
  'aini',
  'wangwei',
  'zhangwei',
  'chenjie',
  'huang',
  'lin',
  'chen',
  'wang',
  'ccheck',
  'broker',
  'securities',
  'stock',
  'twse',
  'exchange',
  'compliance',
  'audit',
  'inspection',
  'firewall',
  'nopassword',
];
const COMMON = new Set(COMMON_STEMS);

// Keyboard rows and alphabets a "pattern" password walks along, forwards or backwards.
// Digits wrap around (…890123…), as people type them.
const SEQUENCES = ['abcdefghijklmnopqrstuvwxyz', '01234567890123456789', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p'];

const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'l',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
  '+': 't',
};

/** The stem a guesser would start from: case folded, decorations at both ends cut, l33t undone. */
export function passwordStem(password: string): string {
  const folded = password.normalize('NFKC').toLowerCase();
  // Decorations people append or prepend to satisfy a rule: digits (a year), symbols, spaces.
  const core = folded.replace(/^[\d\W_]+/u, '').replace(/[\d\W_]+$/u, '');
  return [...(core || folded)]
    .map((c) => LEET[c] ?? c)
    .join('')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/** True when the whole string is one run along a keyboard row or alphabet (either way), or that run repeated. */
function isSequence(s: string): boolean {
  if (s.length < 4) return false;
  return SEQUENCES.some((seq) => {
    const both = [seq, [...seq].reverse().join('')];
    return both.some((q) => q.includes(s) || (s.length % 4 === 0 && isRepeatOf(s, (unit) => q.includes(unit))));
  });
}

/** True when `s` is one unit (of any length up to half) repeated, and the unit passes `ok`. */
function isRepeatOf(s: string, ok: (unit: string) => boolean): boolean {
  for (let n = 1; n <= s.length / 2; n++) {
    if (s.length % n !== 0) continue;
    const unit = s.slice(0, n);
    if (unit.repeat(s.length / n) === s && ok(unit)) return true;
  }
  return false;
}

export type PasswordWeakness = 'too_short' | 'too_long' | 'contains_username' | 'common' | 'sequence' | 'repeated' | 'too_few_distinct';

/** Why a password is weak, or null when it is acceptable. Pure: the caller decides what to throw. */
export function passwordWeakness(password: string, username: string): PasswordWeakness | null {
  const chars = [...password];
  if (chars.length < PASSWORD_MIN_LENGTH) return 'too_short';
  if (chars.length > PASSWORD_MAX_LENGTH) return 'too_long';
  const folded = password.normalize('NFKC').toLowerCase();
  const user = username.normalize('NFKC').toLowerCase().trim();
  // The username, its local part (before @), or the username reversed, anywhere inside.
  const userParts = [user, user.split('@')[0] ?? '', [...user].reverse().join('')].filter((u) => u.length >= 3);
  if (userParts.some((u) => folded.includes(u) || passwordStem(password).includes(passwordStem(u)))) return 'contains_username';
  if (new Set(chars).size < 5) return 'too_few_distinct';
  const stem = passwordStem(password);
  if (COMMON.has(stem) || isRepeatOf(stem, (unit) => COMMON.has(unit))) return 'common';
  // A common stem with a short tail ("password123abc" folds to "passwordabc").
  if (COMMON_STEMS.some((c) => c.length >= 5 && stem.startsWith(c) && stem.length - c.length <= 3)) return 'common';
  if (isRepeatOf(folded, () => true) || (stem.length > 0 && isRepeatOf(stem, () => true) && new Set(stem).size < 4)) return 'repeated';
  const alnum = folded.replace(/[^\p{L}\p{N}]/gu, '');
  if (isSequence(alnum) || isSequence(stem)) return 'sequence';
  return null;
}

const REASONS: Readonly<Record<PasswordWeakness, string>> = {
  too_short: `at least ${PASSWORD_MIN_LENGTH} characters`,
  too_long: `at most ${PASSWORD_MAX_LENGTH} characters`,
  contains_username: 'not containing the username',
  common: 'not a common password or a common word with digits or symbols added',
  sequence: 'not a keyboard row or an alphabet or digit sequence',
  repeated: 'not one character or word repeated',
  too_few_distinct: 'at least 5 different characters',
};

/** Throws PASSWORD_WEAK naming what is missing (never echoing the password). */
export function assertPasswordStrong(password: string, username: string): void {
  const weakness = passwordWeakness(password, username);
  if (weakness) {
    throw new CoreError(
      'PASSWORD_WEAK',
      `the password is too weak: it must be ${REASONS[weakness]}`,
      { reason: weakness, min: PASSWORD_MIN_LENGTH },
      { field: 'password' },
    );
  }
}

/**
 * The form a username is stored and compared in: NFKC (fullwidth letters fold), lower case,
 * trimmed. Two accounts that differ only in case or width would be one person to a reader.
 */
export function normalizeUsername(username: string): string {
  return username.normalize('NFKC').toLowerCase().trim();
}

/** Throws USERNAME_INVALID unless the username is 3–64 of a-z, 0-9, `.`, `_`, `-`, `@` (after folding). */
export function assertUsernameValid(username: string): string {
  const u = normalizeUsername(username);
  if (!/^[a-z0-9][a-z0-9._@-]{2,63}$/u.test(u)) {
    throw new CoreError(
      'USERNAME_INVALID',
      'a username is 3 to 64 letters, digits, ".", "_", "-" or "@", starting with a letter or digit',
      {},
      { field: 'username' },
    );
  }
  return u;
}
