import { describe, expect, it } from 'vitest';
import { checkRetention } from './retention.js';

describe('retention years', () => {
  it('takes a whole number of years from 1 to 100', () => {
    expect(checkRetention(' 10 ')).toEqual({ ok: true, years: 10 });
    expect(checkRetention('1')).toEqual({ ok: true, years: 1 });
    expect(checkRetention('100')).toEqual({ ok: true, years: 100 });
  });
  it('names what is wrong otherwise', () => {
    expect(checkRetention('')).toEqual({ ok: false, problem: 'empty' });
    expect(checkRetention('2.5')).toEqual({ ok: false, problem: 'whole' });
    expect(checkRetention('-3')).toEqual({ ok: false, problem: 'whole' });
    expect(checkRetention('ten')).toEqual({ ok: false, problem: 'whole' });
    expect(checkRetention('0')).toEqual({ ok: false, problem: 'range' });
    expect(checkRetention('101')).toEqual({ ok: false, problem: 'range' });
  });
});
