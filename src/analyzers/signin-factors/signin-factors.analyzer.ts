import { z } from 'zod';
import type { AnalyzerFinding, AnalyzerOutcome } from '../../core/analysis/analyzer.js';
import { defineAnalyzer, option, verdictOf } from '../../core/analysis/analyzer.js';
import { CATEGORY_NAMES, classifyFactor, parseCategory, type FactorCategory } from './factor-names.js';
import { malformedFindings } from '../malformed-rows.js';
import { channelsFromTable, channelsFromYaml, FACTOR_COLUMNS, type Channel, type Malformed } from './read-channels.js';

const isYaml = (name: string) => /\.ya?ml$/i.test(name);

/**
 * 7/(1)/c/(c), 7/(1)/d and 12/(6)/a: every login channel uses factors of two different
 * categories (knowledge, possession, inherence); a possession factor is the device agreed with
 * the customer; a biometric is verified by the firm directly or indirectly; a video identity
 * check has another factor beside it.
 */
export const signinFactorsAnalyzer = defineAnalyzer({
  id: 'signin-factors',
  title: 'Multi-factor sign-in: two different factor categories per channel',
  titleZh: '多因子登入：每一登入通道應具兩類不同驗證因子',
  items: ['7/(1)/c/(c)', '7/(1)/d', '7/(1)/d/(a)', '7/(1)/d/(b)', '7/(1)/d/(c)', '12/(6)/a'],
  inputs: [
    {
      name: 'login channels and factors',
      formats: ['csv', 'xlsx'],
      description: `one row per channel and factor: ${FACTOR_COLUMNS.map((c) => `${c.zh}/${c.en}`).join(', ')}`,
    },
    {
      name: 'login channels (YAML)',
      formats: ['yaml'],
      description: 'channels: [{ name, type, factors: [name | { name, device_bound, verified_by, category }] }]',
    },
  ],

  recognises({ name, head }) {
    if (isYaml(name)) return /^channels:/m.test(head) && /factors:/.test(head);
    if (!/\.(csv|tsv|xlsx)$/i.test(name)) return false;
    const header = head.split(/\r?\n/, 1)[0] ?? '';
    return /驗證因子|\bfactor\b/i.test(header) && /登入通道|\bchannel\b/i.test(header);
  },

  options: z.strictObject({
    channel_types: option.list().optional().describe('judge only channels of these types (web, app, api, voice, video, other); default: every channel'),
  }),

  async analyze(ctx): Promise<AnalyzerOutcome> {
    const channels: Channel[] = [];
    const malformed: Malformed[] = [];
    for (const f of ctx.files) {
      const read = isYaml(f.name) ? channelsFromYaml(f.name, await f.text()) : channelsFromTable(await f.table());
      channels.push(...read.channels);
      malformed.push(...read.malformed);
    }
    const types = ctx.options.channel_types?.map((t) => t.toLowerCase());
    const judged = types ? channels.filter((c) => types.includes(c.type)) : channels;
    const findings: AnalyzerFinding[] = [];
    let undetermined = 0;
    let failingChannels = 0;

    for (const ch of judged) {
      const before = findings.filter((f) => f.failing).length;
      judgeChannel(ch);
      if (findings.filter((f) => f.failing).length > before) failingChannels++;
    }

    function judgeChannel(ch: Channel): void {
      const categories = new Map<FactorCategory, string[]>();
      let unknown = 0;
      for (const f of ch.factors) {
        const at = { file: ch.file, line: f.line, rule: `${ch.name}: ${f.name}`, blocking: [] };
        const category = classifyFactor(f.name) ?? (f.declaredCategory ? parseCategory(f.declaredCategory) : undefined);
        if (!category) {
          unknown++;
          findings.push({
            ...at,
            kind: 'unknown_factor',
            severity: 'medium',
            failing: false,
            clause: '7/(1)/d',
            detail: `${ch.name}: the factor "${f.name}" is not a known name; state its category (knowledge/possession/inherence) in the 因子類別/category column: it is not guessed`,
            detailZh: `${ch.name}：「${f.name}」非已知之驗證因子名稱；請於「因子類別」欄註明所知／所持／所具，系統不予猜測`,
          });
          continue;
        }
        categories.set(category, [...(categories.get(category) ?? []), f.name]);
        if (category === 'identifier') {
          findings.push({
            ...at,
            kind: 'identifier_not_factor',
            severity: 'low',
            failing: false,
            clause: '7/(1)/d',
            detail: `${ch.name}: "${f.name}" identifies the customer; it is not an authentication factor and is not counted`,
            detailZh: `${ch.name}：「${f.name}」僅為識別資料，非驗證因子，不予計入`,
          });
        }
        // 7/(1)/d/(b): the firm confirms the device is the one agreed with the customer.
        if (category === 'possession' && f.bound !== true) {
          findings.push({
            ...at,
            kind: 'possession_not_bound',
            severity: 'high',
            failing: true,
            clause: '7/(1)/d/(b)',
            detail: `${ch.name}: "${f.name}" is a possession factor but ${f.bound === false ? 'is not bound' : 'is not shown to be bound'} to the device agreed with the customer (7/(1)/d/(b))`,
            detailZh: `${ch.name}：「${f.name}」為所持因子，但${f.bound === false ? '未' : '未載明已'}確認為客戶與公司所約定持有之設備（7/(1)/d/(b)）`,
          });
        }
        // 7/(1)/d/(c): the firm verifies the biometric directly or indirectly.
        if (category === 'inherence' && f.verifiedBy !== 'direct' && f.verifiedBy !== 'indirect') {
          findings.push({
            ...at,
            kind: 'inherence_not_verified',
            severity: 'high',
            failing: true,
            clause: '7/(1)/d/(c)',
            detail: `${ch.name}: the biometric "${f.name}" is ${f.verifiedBy === 'none' ? 'not verified' : 'not shown to be verified'} by the firm directly or indirectly (7/(1)/d/(c))`,
            detailZh: `${ch.name}：生物特徵「${f.name}」${f.verifiedBy === 'none' ? '未經' : '未載明經'}公司直接或間接驗證（7/(1)/d/(c)）`,
          });
        }
      }

      const at = { file: ch.file, line: ch.line, rule: ch.name, blocking: [] };
      if (ch.type === 'video') {
        // 12/(6)/a: the video check needs another factor (an ID document upload, an SMS OTP, …).
        const others = [...categories.keys()].filter((c) => c !== 'video' && c !== 'identifier');
        if (others.length === 0 && unknown === 0) {
          findings.push({
            ...at,
            kind: 'video_without_extra_factor',
            severity: 'high',
            failing: true,
            clause: '12/(6)/a',
            detail: `${ch.name}: a video identity check with no other factor (e.g. ID document upload, SMS OTP); 12/(6)/a asks for one`,
            detailZh: `${ch.name}：以影像視訊驗證身分，未搭配其他驗證因子（如上傳身分證件、手機簡訊OTP）；違反 12/(6)/a`,
          });
        } else if (others.length === 0) undetermined++;
        return;
      }

      // 7/(1)/d: any two of the three categories; two knowledge factors are still one category.
      const real = (['knowledge', 'possession', 'inherence'] as const).filter((c) => categories.has(c));
      if (real.length >= 2) return;
      if (unknown > 0) {
        undetermined++;
        return;
      }
      const counted = ch.factors.filter((f) => {
        const c = classifyFactor(f.name) ?? (f.declaredCategory ? parseCategory(f.declaredCategory) : undefined);
        return c && c !== 'identifier';
      });
      const only = real[0];
      const sameKind = only !== undefined && counted.length >= 2;
      findings.push({
        ...at,
        kind: sameKind ? 'single_category' : 'single_factor',
        severity: 'high',
        failing: true,
        clause: only ? CATEGORY_NAMES[only].clause : '7/(1)/d',
        // One category of factor is not multi-factor sign-in either (7/(1)/c/(c)).
        alsoBreaks: ['7/(1)/c/(c)', '7/(1)/d'],
        detail: sameKind
          ? `${ch.name}: ${counted.map((f) => f.name).join(' + ')} are all ${CATEGORY_NAMES[only].en} factors: one category, not the two of different kinds that 7/(1)/c/(c) and 7/(1)/d require`
          : `${ch.name}: ${counted.length ? `only one factor (${counted[0]!.name})` : 'no authentication factor'}; 7/(1)/c/(c) and 7/(1)/d require two of knowledge, possession and inherence`,
        detailZh: sameKind
          ? `${ch.name}：${counted.map((f) => f.name).join('＋')} 皆屬${CATEGORY_NAMES[only].zh}因子，僅一類；不符 7/(1)/c/(c)、7/(1)/d 應具三類中任兩類之規定`
          : `${ch.name}：${counted.length ? `僅有單一因子（${counted[0]!.name}）` : '無驗證因子'}；不符 7/(1)/c/(c)、7/(1)/d 應具所知、所持、所具任兩類之規定`,
      });
    }
    findings.push(...malformedFindings(malformed, '7/(1)/d'));
    return {
      // An unreadable row may hide a factor: it keeps the verdict from a clean pass.
      verdict: verdictOf(findings, undetermined + malformed.length),
      scope: judged.length,
      findings,
      // 12/(6)/a binds video identity checks only: without such a channel it has not been shown to pass.
      unjudged: judged.some((c) => c.type === 'video') ? [] : ['12/(6)/a'],
      summary: `${judged.length} login channels: ${failingChannels} with failing factors, ${undetermined} undetermined, ${malformed.length} unreadable rows`,
      summaryZh: `共 ${judged.length} 個登入通道：${failingChannels} 個驗證因子不符，${undetermined} 個無法判斷，${malformed.length} 列無法判讀`,
    };
  },
});
