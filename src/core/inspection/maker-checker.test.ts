import { describe, expect, it } from 'vitest';
import { CoreError } from '../errors.js';
import { assertTransition } from './finding.js';
import { assertCanApprove } from './item-result.js';
import { isSamePrincipal, principalOf } from './principal.js';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return e instanceof CoreError ? e.code : 'not a CoreError';
  }
  return 'no error';
};

describe('principalOf: who a name means', () => {
  it('folds fullwidth letters, decomposed accents, case, spacing and the ccheck (X) analyzer name to one principal', () => {
    expect(isSamePrincipal('ａｌｉｃｅ', 'alice')).toBe(true);
    expect(isSamePrincipal('Jose\u0301', 'José')).toBe(true);
    expect(isSamePrincipal('  Alice   Chen ', 'alice chen')).toBe(true);
    expect(isSamePrincipal('ccheck (資安主管 李大華)', '資安主管 李大華')).toBe(true);
    expect(isSamePrincipal('ccheck(ｂｏｂ)', 'Bob')).toBe(true);
    expect(isSamePrincipal('alice', 'bob')).toBe(false);
    expect(isSamePrincipal('王小明', '王小華')).toBe(false);
  });

  it('refuses invisible format and control characters, naming the code point', () => {
    for (const [name, cp] of [
      ['王小明\u200b', 'U+200B'],
      ['ali\u00adce', 'U+00AD'],
      ['\u202ealice', 'U+202E'],
      ['alice\u0000', 'U+0000'],
      ['bob\u0007', 'U+0007'],
    ] as const) {
      let err: unknown;
      try {
        principalOf(name);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(CoreError);
      expect((err as CoreError).code).toBe('ACTOR_NAME_INVALID');
      expect((err as CoreError).params.codepoint).toBe(cp);
    }
    expect(codeOf(() => principalOf('   '))).toBe('ACTOR_NAME_INVALID');
  });
});

describe('maker-checker: the approver is not whoever recorded the content approved', () => {
  it('refuses the recorder under any spelling', () => {
    for (const approver of ['王小明', 'ａｌｉｃｅ', 'ALICE', 'Jose\u0301', 'ccheck (supervisor)'])
      expect(
        codeOf(() => assertCanApprove(['王小明', 'alice', 'José', 'Supervisor'], approver, '7/(1)/a/(j)')),
        approver,
      ).toBe('RESULT_SELF_APPROVAL');
    expect(codeOf(() => assertCanApprove(['ccheck (supervisor)'], 'supervisor', '7/(1)/a/(j)'))).toBe('RESULT_SELF_APPROVAL');
    // A name stored before names were checked still means its person: it neither slips past nor blocks forever.
    expect(codeOf(() => assertCanApprove(['王小明\u200b'], '王小明', '7/(1)/a/(j)'))).toBe('RESULT_SELF_APPROVAL');
    expect(codeOf(() => assertCanApprove(['王小明\u200b'], '李大華', '7/(1)/a/(j)'))).toBe('no error');
    expect(codeOf(() => assertCanApprove('alice', '王小明\u200b', '7/(1)/a/(j)'))).toBe('ACTOR_NAME_INVALID');
  });

  it('refuses anyone in the content’s whole history, not only its last recorder', () => {
    // alice recorded it, bob changed it, carol changed it back: alice's content still.
    expect(codeOf(() => assertCanApprove(['carol', 'alice'], 'alice', '8/(2)/f'))).toBe('RESULT_SELF_APPROVAL');
    expect(codeOf(() => assertCanApprove(['carol', 'alice'], 'bob', '8/(2)/f'))).toBe('no error');
  });

  it('keeps a finding’s owner from verifying their own fix under another spelling', () => {
    const f = { id: 'f1', status: 'remediated' as const, owner: 'ａｌｉｃｅ', correctiveAction: 'patched', dueOn: '2026-12-31', rootCause: 'old image' };
    expect(codeOf(() => assertTransition(f, 'verified_closed', { actor: 'Alice', effectivenessCheck: 'rescanned, clean' }))).toBe('FINDING_INVALID_TRANSITION');
    expect(codeOf(() => assertTransition(f, 'verified_closed', { actor: 'ccheck (alice)', effectivenessCheck: 'rescanned, clean' }))).toBe(
      'FINDING_INVALID_TRANSITION',
    );
    expect(codeOf(() => assertTransition(f, 'verified_closed', { actor: 'bob', effectivenessCheck: 'rescanned, clean' }))).toBe('no error');
    const stored = { ...f, owner: 'ali\u00adce' }; // saved before names were checked
    expect(codeOf(() => assertTransition(stored, 'verified_closed', { actor: 'alice', effectivenessCheck: 'rescanned, clean' }))).toBe(
      'FINDING_INVALID_TRANSITION',
    );
  });
});
