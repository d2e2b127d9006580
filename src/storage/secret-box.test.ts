import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

const key = (n: number) => Buffer.alloc(32, n);

describe('sealed secrets (TOTP seeds at rest)', () => {
  it('opens only with the same vault key, purpose and record', () => {
    const box = new SecretBox(key(1), 'totp secret');
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'factor-1');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed, 'factor-1')).toBe('JBSWY3DPEHPK3PXP');
    // Fresh IV each time: the same seed never seals to the same text.
    expect(box.seal('JBSWY3DPEHPK3PXP', 'factor-1')).not.toBe(sealed);
    // Copied onto another record, under another key, or for another purpose: refused.
    expect(() => box.open(sealed, 'factor-2')).toThrow(expect.objectContaining({ code: 'VAULT_KEY_WRONG' }) as Error);
    expect(() => new SecretBox(key(2), 'totp secret').open(sealed, 'factor-1')).toThrow(expect.objectContaining({ code: 'VAULT_KEY_WRONG' }) as Error);
    expect(() => new SecretBox(key(1), 'evidence').open(sealed, 'factor-1')).toThrow(expect.objectContaining({ code: 'VAULT_KEY_WRONG' }) as Error);
    expect(() => box.open('v2.x.y.z', 'factor-1')).toThrow(expect.objectContaining({ code: 'VAULT_CORRUPT' }) as Error);
  });
});
