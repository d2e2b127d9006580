import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyFactor } from '../../src/analyzers/signin-factors/factor-names.js';
import { signinFactorsAnalyzer } from '../../src/analyzers/signin-factors/signin-factors.analyzer.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';
import { findingRow } from '../helpers/finding-row.js';

const FIX = path.join(import.meta.dirname, '..', 'fixtures', 'signin-factors');
const TODAY = '2026-11-27';
const row = findingRow;

describe('signin-factors analyzer (7/(1)/c/(c), 7/(1)/d, 12/(6)/a)', () => {
  it('classifies curated names in zh-TW and English, full-width or not, and guesses nothing else', () => {
    expect(classifyFactor('圖形鎖')).toBe('knowledge');
    expect(classifyFactor('Pattern Lock')).toBe('knowledge');
    expect(classifyFactor('ＯＴＰ')).toBe('possession');
    expect(classifyFactor('SMS-OTP')).toBe('possession');
    expect(classifyFactor('FIDO2')).toBe('possession');
    expect(classifyFactor('臉部辨識')).toBe('inherence');
    expect(classifyFactor('Face ID')).toBe('inherence');
    expect(classifyFactor('身分證字號')).toBe('identifier');
    expect(classifyFactor('語音密碼')).toBeUndefined(); // not "密碼" by a substring guess
    expect(classifyFactor('OTP卡2')).toBeUndefined();
  });

  it('judges every channel of the template, row by row (BOM, CRLF, blank and broken rows)', async () => {
    const r = await analyzeFiles('signin-factors', [path.join(FIX, 'channels.csv')], TODAY);
    expect(r).toMatchObject({ verdict: 'fail', scope: 10 });
    expect(r.findings.map(row)).toEqual([
      ['identifier_not_factor', 'channels.csv', 2, '網路下單 Web: 身分證字號', '7/(1)/d', false],
      // password + pattern lock: two knowledge factors are one category
      ['single_category', 'channels.csv', 5, '行動App', '7/(1)/d/(a)', true],
      ['possession_not_bound', 'channels.csv', 8, 'API 下單: 簡訊OTP', '7/(1)/d/(b)', true],
      ['unknown_factor', 'channels.csv', 11, '語音下單: 語音密碼', '7/(1)/d', false],
      ['video_without_extra_factor', 'channels.csv', 13, '視訊開戶', '12/(6)/a', true],
      ['single_factor', 'channels.csv', 21, '舊 API', '7/(1)/d/(b)', true],
      ['inherence_not_verified', 'channels.csv', 23, '指紋登入: 指紋', '7/(1)/d/(c)', true],
      ['malformed_input', 'channels.csv', 17, null, '7/(1)/d', false],
    ]);
    const byKind = (k: string) => r.findings.find((f) => f.kind === k)!;
    expect(byKind('single_category').detail).toBe(
      '行動App: 密碼 + 圖形鎖 are all knowledge factors: one category, not the two of different kinds that 7/(1)/c/(c) and 7/(1)/d require',
    );
    expect(byKind('single_category').detailZh).toContain('密碼＋圖形鎖 皆屬所知（約定資訊）因子，僅一類');
    expect(byKind('possession_not_bound').detail).toContain('is not shown to be bound to the device agreed with the customer');
    expect(byKind('inherence_not_verified').detailZh).toContain('未經公司直接或間接驗證（7/(1)/d/(c)）');
    expect(byKind('video_without_extra_factor').detailZh).toContain('違反 12/(6)/a');
    expect(byKind('malformed_input').detail).toBe(
      '2 unreadable rows/lines, not judged: line 17: no factor name; line 18: 綁定約定裝置 / device_bound: "maybe" is not one of yes/no/direct/indirect',
    );
    expect(byKind('malformed_input').blocking).toEqual([{ file: 'channels.csv', line: 18, rule: null }]);
    // A name outside the list passes when the firm states its category (電子交易平台, rows 19–20).
    expect(r.findings.some((f) => f.rule?.startsWith('電子交易平台'))).toBe(false);
  });

  it('reads the YAML description with the lines of its entries', async () => {
    const r = await analyzeFiles('signin-factors', [path.join(FIX, 'channels.yaml')], TODAY);
    expect(r).toMatchObject({ verdict: 'fail', scope: 4 });
    expect(r.findings.map(row)).toEqual([
      ['single_category', 'channels.yaml', 8, '行動下單 App', '7/(1)/d/(a)', true],
      ['video_without_extra_factor', 'channels.yaml', 20, '視訊開戶', '12/(6)/a', true],
      ['malformed_input', 'channels.yaml', 23, null, '7/(1)/d', false],
    ]);
    expect(r.findings[2]!.detail).toBe(
      '2 unreadable rows/lines, not judged: line 23: channel without a factors list; line 24: a channel entry is not a mapping (name, type, factors)',
    );
  });

  it('reads a Big5 template and passes a channel only with two categories', async () => {
    const r = await analyzeFiles('signin-factors', [path.join(FIX, 'channels-big5.csv')], TODAY);
    expect(r.findings.map(row)).toEqual([['single_category', 'channels-big5.csv', 4, '行動下單', '7/(1)/d/(a)', true]]);
    const web = await analyzeFiles('signin-factors', [path.join(FIX, 'channels-big5.csv')], TODAY, { channel_types: 'web' });
    expect(web).toMatchObject({ verdict: 'pass', scope: 1, findings: [] }); // 網路下單 is a web channel by its name
  });

  it('an unknown factor leaves the channel undetermined (error), never pass or fail', async () => {
    const only = await analyzeFiles('signin-factors', [path.join(FIX, 'channels.csv')], TODAY, { channel_types: 'voice' });
    expect(only).toMatchObject({ verdict: 'error', scope: 1 });
    expect(only.findings.map((f) => [f.kind, f.line])).toEqual([
      ['unknown_factor', 11],
      ['malformed_input', 17],
    ]);
  });

  it('recognises its template and YAML by content', () => {
    expect(signinFactorsAnalyzer.recognises!({ name: 'mfa.csv', head: '登入通道,驗證因子\n網路下單,密碼' })).toBe(true);
    expect(signinFactorsAnalyzer.recognises!({ name: 'mfa.yaml', head: 'channels:\n  - name: x\n    factors: [a]' })).toBe(true);
    expect(signinFactorsAnalyzer.recognises!({ name: 'devices.csv', head: 'hostname,vendor' })).toBe(false);
  });
});
