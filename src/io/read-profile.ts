import type { z } from 'zod';
import { firmProfileFileSchema, toFirmProfile, type FirmProfile } from '../core/profile/firm-profile.js';
import { describeTierChoices, type TierScheme } from '../core/profile/tier-scheme.js';
import { CoreError, type Problem } from '../core/errors.js';
import { parseYamlText, yamlToData } from '../formats/yaml-input.js';
import { loadTierScheme } from './catalog-data.js';
import { READ_LIMITS, readTextFile } from './read-text-file.js';
import { fieldName, lineOf } from './yaml-lines.js';

const CHOICES: Record<string, string> = {
  channels: 'internet, voice, traditional',
  class: '1, 2',
};

function describe(issue: z.core.$ZodIssue, field: string, tiers: TierScheme): { en: string; zh: string } {
  if (field === 'tier' && (issue.code === 'invalid_value' || issue.code === 'invalid_union' || issue.code === 'invalid_type')) {
    // The levels are data (data/catalog/tiers.yaml), so the message names them and where they come from.
    const value = JSON.stringify(issue.input) ?? String(issue.input);
    if (issue.input !== undefined) {
      const choices = describeTierChoices(tiers);
      return {
        en: `tier ${value} is not a 資安分級 level; allowed: ${choices} (levels from data/catalog/tiers.yaml)`,
        zh: `資安分級 tier ${value} 不是已定義之級別；可用：${choices}（級別定義於 data/catalog/tiers.yaml）`,
      };
    }
  }
  const choices = CHOICES[field.replace(/\[\d+\]$/, '')];
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return { en: `${field} is required`, zh: `缺少必填欄位 ${field}` };
      return { en: `${field} must be ${issue.expected}`, zh: `${field} 的型別應為 ${issue.expected}` };
    case 'invalid_value':
    case 'invalid_union':
      return { en: `${field} must be one of ${choices ?? 'the documented values'}`, zh: `${field} 必須是下列之一：${choices ?? '文件所列之值'}` };
    case 'too_small':
      return issue.origin === 'array'
        ? { en: `${field} needs at least ${String(issue.minimum)} entry`, zh: `${field} 至少需要 ${String(issue.minimum)} 項` }
        : { en: `${field} is too small (minimum ${String(issue.minimum)})`, zh: `${field} 太小（最小值 ${String(issue.minimum)}）` };
    default:
      return { en: `${field}: ${issue.message}`, zh: `${field}：${issue.message}` };
  }
}

/**
 * Reads and validates a firm profile. Every problem is reported at once, each with its YAML
 * line and field, in zh-TW and English; unknown keys are errors.
 */
export function parseProfile(text: string, fileName: string, tiers: TierScheme = loadTierScheme()): FirmProfile {
  const { doc, counter } = parseYamlText(text, fileName, READ_LIMITS.yaml);
  const problems: Problem[] = [];
  for (const e of doc.errors) {
    const line = counter.linePos(e.pos[0]).line;
    problems.push({ location: { file: fileName, line }, en: `YAML syntax: ${e.message.split('\n')[0]}`, zh: `YAML 語法錯誤：${e.message.split('\n')[0]}` });
  }
  if (problems.length === 0) {
    const parsed = firmProfileFileSchema(tiers).safeParse(yamlToData(doc, fileName, text.length, counter), { reportInput: true });
    if (parsed.success) return toFirmProfile(parsed.data);
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const field = fieldName([...issue.path, key]);
          problems.push({
            location: { file: fileName, line: lineOf(doc, counter, issue.path, key), field },
            en: `unknown key ${field} (a typo must not silently change what applies)`,
            zh: `未知的欄位 ${field}（拼字錯誤可能改變適用判斷，因此不接受）`,
          });
        }
        continue;
      }
      const field = fieldName(issue.path) || '(file)';
      problems.push({ location: { file: fileName, line: lineOf(doc, counter, issue.path), field }, ...describe(issue, field, tiers) });
    }
  }
  problems.sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0));
  throw new CoreError(
    'PROFILE_INVALID',
    `${fileName}: ${problems.length} problem(s) in the firm profile`,
    { count: problems.length },
    { file: fileName },
    problems,
  );
}

export async function readProfileFile(path: string): Promise<FirmProfile> {
  const file = await readTextFile(path, undefined, READ_LIMITS.yaml);
  return parseProfile(file.text, path);
}
