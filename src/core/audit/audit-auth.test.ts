import { describe, expect, it } from 'vitest';
import { eventMac, parseWitnesses, verifyAuthenticity, witnessLine } from './audit-auth.js';

const key = Buffer.alloc(32, 1);
const other = Buffer.alloc(32, 2);
const ev = (seq: number, k: Buffer | null = key) => ({ seq, hash: `sha256:${seq}`, mac: k ? eventMac(k, seq, `sha256:${seq}`) : null });

describe('audit authenticity', () => {
  it('accepts MACs under the key, and refuses MACs made with another key', () => {
    expect(verifyAuthenticity([ev(1), ev(2)], key, [{ seq: 0, head: 'genesis', at: 't', reason: 'audit-key' }]).problems).toEqual([]);
    expect(verifyAuthenticity([ev(1), ev(2, other)], key, []).problems).toEqual([expect.objectContaining({ kind: 'mac_invalid', seq: 2 })]);
  });

  it('reports events before the key as unauthenticated, and refuses a missing MAC after it', () => {
    const old = [ev(1, null), ev(2, null), ev(3)];
    expect(verifyAuthenticity(old, key, [{ seq: 2, head: 'sha256:2', at: 't', reason: 'audit-key' }])).toEqual({ problems: [], unauthenticatedBefore: 3 });
    // A chain rewritten without MACs: the key's witness says they are required from event 1.
    expect(verifyAuthenticity([ev(1, null), ev(2, null)], key, [{ seq: 0, head: 'genesis', at: 't', reason: 'audit-key' }]).problems[0]).toMatchObject({
      kind: 'mac_missing',
      seq: 1,
    });
  });

  it('detects a rewritten witnessed event and a cut tail', () => {
    const w = { seq: 2, head: 'sha256:2', at: 't', reason: 'signoff' };
    expect(verifyAuthenticity([ev(1)], key, [w]).problems).toEqual([expect.objectContaining({ kind: 'tail_cut', seq: 2 })]);
    expect(verifyAuthenticity([ev(1), { ...ev(2), hash: 'sha256:x' }], null, [w]).problems.map((p) => p.kind)).toEqual([
      'mac_unverifiable',
      'witness_mismatch',
    ]);
  });

  it('reads back the witness lines it writes, and names a line that is not one', () => {
    const text = witnessLine({ seq: 4, head: 'sha256:4', at: 't', reason: 'backup' }) + 'garbage\n';
    const parsed = parseWitnesses(text, 'witness.log');
    expect(parsed.witnesses).toEqual([{ seq: 4, head: 'sha256:4', at: 't', reason: 'backup' }]);
    expect(parsed.bad).toEqual([expect.objectContaining({ line: 2 })]);
  });
});
