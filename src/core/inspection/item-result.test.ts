import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../catalog/catalog-version.js';
import { RESULT_STATUSES, resultContentHash, type ResultContent } from './item-result.js';

/** The definition every stored approval's hash was made with: canonicalJson of the content, evidence sorted. */
function byDefinition(c: ResultContent): string {
  return `sha256:${createHash('sha256')
    .update(canonicalJson({ ...c, evidence: [...c.evidence].sort() }))
    .digest('hex')}`;
}

const text = fc.string({ unit: fc.constantFrom('a', 'Z', '"', '\\', '\n', '\u2028', '查', '核', '😀', '\u0000', ' ') });
const content: fc.Arbitrary<ResultContent> = fc.record({
  runId: fc.uuid(),
  path: text,
  status: fc.constantFrom(...RESULT_STATUSES),
  justification: fc.option(text),
  source: fc.constantFrom('analyzer' as const, 'attestation' as const, 'system' as const),
  evidence: fc.array(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }), { maxLength: 5 }),
  expiresOn: fc.option(fc.constantFrom('2027-12-31', '2026-01-01')),
});

describe('the content hash a reviewer approves', () => {
  it('is the canonical JSON hash of exactly the content fields, whatever the text holds', () => {
    fc.assert(
      fc.property(content, (c) => {
        expect(resultContentHash(c)).toBe(byDefinition(c));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves out a field that is undefined, as the canonical JSON does', () => {
    const c = { runId: 'r', path: '7/(1)', status: 'pass', justification: undefined, source: 'attestation', evidence: ['b', 'a'], expiresOn: null };
    expect(resultContentHash(c as unknown as ResultContent)).toBe(byDefinition(c as unknown as ResultContent));
  });

  it('does not count a property outside the content', () => {
    const c: ResultContent = { runId: 'r', path: '7/(1)', status: 'pass', justification: 'ok', source: 'attestation', evidence: [], expiresOn: '2027-12-31' };
    expect(resultContentHash({ ...c, recordedBy: 'someone' } as ResultContent)).toBe(resultContentHash(c));
    expect(resultContentHash({ ...c, status: 'fail' })).not.toBe(resultContentHash(c));
  });
});
