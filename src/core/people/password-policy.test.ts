import { describe, expect, it } from 'vitest';
import { CoreError } from '../errors.js';
import { assertPasswordStrong, assertUsernameValid, normalizeUsername, passwordWeakness } from './password-policy.js';

describe('password strength', () => {
  it('accepts a long passphrase with enough variety', () => {
    expect(passwordWeakness('correct horse battery staple', 'alice')).toBeNull();
    expect(passwordWeakness('Tq7!vR2#pLx9', 'alice')).toBeNull();
    expect(passwordWeakness('龍門客棧的晚風吹過山谷間', 'alice')).toBeNull();
  });
  it('needs 12 characters, counted as characters, not bytes', () => {
    expect(passwordWeakness('Tq7!vR2#pLx', 'alice')).toBe('too_short');
    // 11 Chinese characters are 33 UTF-8 bytes: still too short.
    expect(passwordWeakness('龍門客棧的晚風吹過山谷', 'alice')).toBe('too_short');
  });
  it('refuses the username inside, in any case, width or reversed', () => {
    expect(passwordWeakness('xx-alice.chen-2026', 'alice.chen')).toBe('contains_username');
    expect(passwordWeakness('zz ＡＬＩＣＥ vault 9', 'Alice')).toBe('contains_username');
    expect(passwordWeakness('ecila-secret-vault', 'alice')).toBe('contains_username');
    expect(passwordWeakness('Wang.Ming.Taipei.77', 'wang.ming@broker.tw')).toBe('contains_username');
  });
  it('refuses common passwords behind case, l33t and decorations', () => {
    expect(passwordWeakness('P@ssw0rd2026!', 'alice')).toBe('common');
    expect(passwordWeakness('!!Welcome12345', 'alice')).toBe('common');
    expect(passwordWeakness('passwordpassword', 'alice')).toBe('common');
    expect(passwordWeakness('Taiwan1122334455', 'alice')).toBe('common');
    expect(passwordWeakness('iloveyou1234', 'alice')).toBe('common');
  });
  it('refuses sequences and keyboard walks, and one character or word repeated', () => {
    expect(passwordWeakness('abcdefghijklm', 'alice')).toBe('sequence');
    expect(passwordWeakness('1234567890123', 'alice')).toBe('sequence');
    expect(passwordWeakness('qwertyuiop[]', 'alice')).toBe('common');
    expect(passwordWeakness('zyxwvutsrqpo', 'alice')).toBe('sequence');
    expect(passwordWeakness('1qaz2wsx3edc', 'alice')).toBe('sequence');
    expect(passwordWeakness('aaaaaaaaaaaaaaa', 'alice')).toBe('too_few_distinct');
    expect(passwordWeakness('abcdeabcdeabcde', 'alice')).toBe('repeated');
  });
  it('throws PASSWORD_WEAK naming the field and the rule, never the password', () => {
    try {
      assertPasswordStrong('P@ssw0rd2026!', 'alice');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CoreError);
      const err = e as CoreError;
      expect(err.code).toBe('PASSWORD_WEAK');
      expect(err.location?.field).toBe('password');
      expect(err.message).not.toContain('P@ssw0rd');
      expect(err.params.reason).toBe('common');
    }
  });
});

describe('usernames', () => {
  it('are compared folded: case and width do not make two people', () => {
    expect(normalizeUsername(' Ａlice.Chen ')).toBe('alice.chen');
    expect(assertUsernameValid('Officer-1')).toBe('officer-1');
  });
  it('refuse spaces, control characters and lookalike punctuation', () => {
    for (const bad of ['al', 'a b c', 'alice\u200b', '-alice', 'x'.repeat(65), 'alice/../x']) {
      expect(() => assertUsernameValid(bad), bad).toThrow(expect.objectContaining({ code: 'USERNAME_INVALID' }) as Error);
    }
  });
});
