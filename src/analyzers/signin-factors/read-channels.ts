import { isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { parseYamlText, yamlToData } from '../../formats/yaml-input.js';
import type { TabularData } from '../../core/catalog/checklist/apply-checklist.js';
import { CoreError } from '../../core/errors.js';
import { readColumns, type ColumnSpec } from '../table-columns.js';

/** One factor of a login channel, as the firm describes it. */
export interface FactorRow {
  readonly name: string;
  readonly line: number;
  /** 7/(1)/d/(b): the device is the one agreed with the customer (null: not stated). */
  readonly bound: boolean | null;
  /** 7/(1)/d/(c): how the firm verifies the biometric (null: not stated). */
  readonly verifiedBy: 'direct' | 'indirect' | 'none' | null;
  /** A category the firm states for a name outside the curated list. */
  readonly declaredCategory: string | null;
}

export type ChannelType = 'web' | 'app' | 'api' | 'voice' | 'video' | 'other';

export interface Channel {
  readonly name: string;
  readonly type: ChannelType;
  readonly file: string;
  readonly line: number;
  readonly factors: FactorRow[];
}

export type { Malformed } from '../malformed-rows.js';
import type { Malformed } from '../malformed-rows.js';

/** The factor template: one row per channel and factor. Headers in zh-TW or English. */
export const FACTOR_COLUMNS = [
  { key: 'channel', zh: '登入通道', en: 'channel', required: false },
  { key: 'type', zh: '通道類型', en: 'channel_type', required: false },
  { key: 'factor', zh: '驗證因子', en: 'factor', required: false },
  { key: 'category', zh: '因子類別', en: 'category', required: false },
  { key: 'bound', zh: '綁定約定裝置', en: 'device_bound', required: false },
  { key: 'verified', zh: '生物特徵驗證', en: 'biometric_verified_by', required: false },
] as const satisfies readonly ColumnSpec[];

export function parseChannelType(text: string | null, name: string): ChannelType {
  const t = `${text ?? ''} ${text ? '' : name}`.normalize('NFKC').toLowerCase();
  if (/video|視訊|影像/.test(t)) return 'video';
  if (/voice|語音|電話/.test(t)) return 'voice';
  if (/\bapi\b|應用程式介面/.test(t)) return 'api';
  if (/\bapp\b|mobile|行動|手機/.test(t)) return 'app';
  if (/web|網頁|網站|網路下單|browser/.test(t)) return 'web';
  return 'other';
}

const YES = /^(y|yes|true|1|是|有|v|✓|已綁定)$/i;
const NO = /^(n|no|false|0|否|無|未綁定|-)$/i;

function yesNo(v: string | null): boolean | null | 'bad' {
  if (v === null || v.trim() === '') return null;
  if (YES.test(v.trim())) return true;
  if (NO.test(v.trim())) return false;
  return 'bad';
}

function verification(v: string | null): FactorRow['verifiedBy'] | 'bad' {
  if (v === null || v.trim() === '') return null;
  const t = v.trim().toLowerCase();
  if (/^(direct|直接|公司直接|firm)$/.test(t)) return 'direct';
  if (/^(indirect|間接|裝置|device|os|fido)$/.test(t)) return 'indirect';
  if (NO.test(t) || /^(none|未驗證)$/.test(t)) return 'none';
  return 'bad';
}

/** Reads the CSV/XLSX template into channels (rows of one channel are grouped by its name, in order). */
export function channelsFromTable(data: TabularData): { channels: Channel[]; malformed: Malformed[] } {
  // Both key columns must exist; an empty cell in them is one malformed row, not a failed file.
  readColumns(
    { ...data, rows: [] },
    FACTOR_COLUMNS.filter((c) => c.key === 'channel' || c.key === 'factor').map((c) => ({ ...c, required: true })),
  );
  const byName = new Map<string, Channel>();
  const malformed: Malformed[] = [];
  for (const r of readColumns(data, FACTOR_COLUMNS)) {
    const at = { file: data.fileName, line: r.rowNumber };
    const { channel, factor } = r;
    if (!channel || !factor) {
      malformed.push({
        ...at,
        reason: `no ${channel ? 'factor' : 'channel'} name`,
        reasonZh: `未填${channel ? '驗證因子' : '登入通道'}`,
      });
      continue;
    }
    const bound = yesNo(r.bound);
    const verified = verification(r.verified);
    if (bound === 'bad' || verified === 'bad') {
      const [col, value] = bound === 'bad' ? ['綁定約定裝置 / device_bound', r.bound] : ['生物特徵驗證 / biometric_verified_by', r.verified];
      malformed.push({ ...at, reason: `${col}: "${value}" is not one of yes/no/direct/indirect`, reasonZh: `${col}：「${value}」不是 是/否/直接/間接` });
      continue;
    }
    let ch = byName.get(channel);
    if (!ch) {
      ch = { name: channel, type: parseChannelType(r.type, channel), ...at, factors: [] };
      byName.set(channel, ch);
    }
    ch.factors.push({ name: factor, line: r.rowNumber, bound, verifiedBy: verified, declaredCategory: r.category });
  }
  return { channels: [...byName.values()], malformed };
}

/** A page of channels and factors; a megabyte is already far beyond one. */
const CHANNELS_YAML_MAX_CHARS = 1024 * 1024;

/**
 * Reads the YAML description:
 * `channels: [{ name, type, factors: [密碼, { name: 綁定裝置, device_bound: yes }, …] }]`.
 * Lines are the YAML's own, so a finding points at the factor's line.
 */
export function channelsFromYaml(file: string, text: string): { channels: Channel[]; malformed: Malformed[] } {
  // With ccheck's YAML limits (size, nesting, aliases): a description of channels is small text written by a person.
  const body = text.replace(/^\uFEFF/, '');
  const { doc, counter: lc } = parseYamlText(body, file, CHANNELS_YAML_MAX_CHARS);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = lc.linePos(e.pos[0]).line;
    throw new CoreError('INPUT_UNSUPPORTED_FORMAT', `${file}: line ${line}: not valid YAML (${e.code})`, {}, { file, line });
  }
  // Expanding aliases is measured before any channel is read: a billion-laughs file stops here.
  yamlToData(doc, file, body.length, lc);
  const lineOf = (n: unknown) => (n && typeof n === 'object' && 'range' in n && (n as YamlNode).range ? lc.linePos((n as YamlNode).range![0]).line : 1);
  const root = doc.contents;
  const list = isMap(root) ? root.get('channels', true) : undefined;
  if (!isSeq(list))
    throw new CoreError('INPUT_UNSUPPORTED_FORMAT', `${file}: no "channels:" list (see README, signin-factors)`, {}, { file, field: 'channels' });
  const channels: Channel[] = [];
  const malformed: Malformed[] = [];
  const str = (v: unknown): string | null => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v).trim() || null : null);
  for (const item of list.items) {
    const line = lineOf(item);
    if (!isMap(item)) {
      malformed.push({
        file,
        line,
        reason: 'a channel entry is not a mapping (name, type, factors)',
        reasonZh: '登入通道項目格式不符（應含 name、type、factors）',
      });
      continue;
    }
    const name = str(item.get('name')) ?? str(item.get('通道'));
    const factors = item.get('factors', true) ?? item.get('因子', true);
    if (!name || !isSeq(factors)) {
      malformed.push({ file, line, reason: `channel without ${name ? 'a factors list' : 'a name'}`, reasonZh: `登入通道缺少${name ? '因子清單' : '名稱'}` });
      continue;
    }
    const ch: Channel = { name, type: parseChannelType(str(item.get('type')), name), file, line, factors: [] };
    for (const f of factors.items) {
      const fl = lineOf(f);
      if (isScalar(f) && str(f.value)) {
        ch.factors.push({ name: str(f.value)!, line: fl, bound: null, verifiedBy: null, declaredCategory: null });
        continue;
      }
      const fname = isMap(f) ? str(f.get('name')) : null;
      const bound = isMap(f) ? yesNo(str(f.get('device_bound'))) : null;
      const verified = isMap(f) ? verification(str(f.get('verified_by'))) : null;
      if (!fname || bound === 'bad' || verified === 'bad') {
        malformed.push({
          file,
          line: fl,
          reason: !fname ? 'factor without a name' : 'device_bound / verified_by is not one of yes/no/direct/indirect',
          reasonZh: !fname ? '驗證因子未填名稱' : 'device_bound / verified_by 不是 是/否/直接/間接',
        });
        continue;
      }
      ch.factors.push({ name: fname, line: fl, bound, verifiedBy: verified, declaredCategory: isMap(f) ? str(f.get('category')) : null });
    }
    channels.push(ch);
  }
  return { channels, malformed };
}
