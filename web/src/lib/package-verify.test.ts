import { describe, expect, it } from 'vitest';
import { shortHash, verifyLines, type PackageVerifyJson } from './package-verify.js';

const good: PackageVerifyJson = {
  ok: true,
  fingerprint: 'ab:cd:ef',
  firm: '範例證券 (金管證總字第0000號)',
  period: '2026-10',
  revision: 1,
  files: 14,
  audit_head: { seq: 120, hash: 'sha256:0123456789abcdef0123' },
  store: { checked: true, holds_head: true, detail: 'event 120 is in the chain' },
  problems: [],
};

describe('verifyLines', () => {
  it('a good package: valid, what it is, the key fingerprint, the audit head and that the store holds it', () => {
    const lines = verifyLines(good);
    expect(lines.map((l) => l.key)).toEqual(['valid', 'package', 'fingerprint', 'head', 'storeHolds']);
    expect(lines.every((l) => l.tone !== 'bad')).toBe(true);
    expect(lines[2]!.params).toEqual({ fingerprint: 'ab:cd:ef' });
    expect(lines[3]!.params).toEqual({ seq: 120, hash: '0123456789ab' });
  });

  it('a changed file and a bad signature: invalid with the count, then one line per problem naming the file', () => {
    const lines = verifyLines({
      ...good,
      ok: false,
      problems: [
        { file: 'report.pdf', kind: 'file_changed', detail: 'report.pdf was changed' },
        { file: 'manifest.sig', kind: 'signature_invalid', detail: 'the signature does not verify' },
      ],
    });
    expect(lines[0]).toEqual({ tone: 'bad', key: 'invalid', params: { n: 2 } });
    const problems = lines.filter((l) => l.key === 'problem');
    expect(problems.map((l) => [l.params.file, l.params.kind])).toEqual([
      ['report.pdf', 'file_changed'],
      ['manifest.sig', 'signature_invalid'],
    ]);
    expect(problems.every((l) => l.tone === 'bad')).toBe(true);
  });

  it('a store that no longer holds the signed audit head is a bad line with its detail', () => {
    const lines = verifyLines({ ...good, store: { checked: true, holds_head: false, detail: 'event 120 differs' } });
    expect(lines.find((l) => l.key === 'storeMissing')).toEqual({ tone: 'bad', key: 'storeMissing', params: { detail: 'event 120 differs' } });
    expect(lines.some((l) => l.key === 'storeHolds')).toBe(false);
  });

  it('no manifest at all: no package or head line, no fingerprint, the store unchecked', () => {
    const lines = verifyLines({ ...good, ok: false, fingerprint: null, firm: null, period: null, revision: null, files: 0, audit_head: null, store: null });
    expect(lines.map((l) => l.key)).toEqual(['invalid', 'noFingerprint', 'storeUnchecked']);
  });
});

describe('shortHash', () => {
  it('drops the algorithm prefix and keeps 12 hex digits; nothing for no hash', () => {
    expect(shortHash('sha256:0123456789abcdef')).toBe('0123456789ab');
    expect(shortHash('fedcba9876543210')).toBe('fedcba987654');
    expect(shortHash(null)).toBe('');
  });
});
