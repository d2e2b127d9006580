import { formatTaipeiInstant } from '../core/dates.js';
import type { ReportSignature, SignatureEvent } from '../core/inspection/signature-history.js';

/** The words of the signature section (e-signature history) in both languages; every renderer uses them. */
export const SIGNATURE_LABELS = {
  'zh-TW': {
    title: '電子簽核歷程',
    revision: '版次',
    revises: '更正前版',
    signed: '簽核',
    unsigned: '尚未簽核（本報告非簽核完竣之報告）',
    key: '封存檔簽章公鑰（Ed25519）',
    fingerprint: '公鑰指紋',
    cols: ['序', '時間（臺北）', '動作', '人員', '角色', '項次', '雜湊（所核內容）', '身分驗證方式'],
    actions: { start: '開始查核', record: '紀錄結果', approve: '覆核', reject: '退回', signoff: '簽核完竣', revise: '建立更正版次' } as Record<string, string>,
    roles: { operator: '作業人員', recorder: '紀錄者', reviewer: '覆核者', ciso: '資安長' } as Record<string, string>,
  },
  en: {
    title: 'E-signature history',
    revision: 'Revision',
    revises: 'Corrects',
    signed: 'Sign-off',
    unsigned: 'not signed off (this report is not a signed-off report)',
    key: 'Package signing public key (Ed25519)',
    fingerprint: 'Key fingerprint',
    cols: ['Seq', 'Time (Taipei)', 'Action', 'Person', 'Role', 'Item', 'Hash (what was covered)', 'Authenticated as'],
    actions: { start: 'started', record: 'recorded', approve: 'approved', reject: 'rejected', signoff: 'signed off', revise: 'revision created' } as Record<
      string,
      string
    >,
    roles: { operator: 'operator', recorder: 'recorder', reviewer: 'reviewer', ciso: 'CISO' } as Record<string, string>,
  },
};

/** One history row as cells, in the order of SIGNATURE_LABELS.cols. */
export function historyCells(e: SignatureEvent, lang: 'zh-TW' | 'en'): string[] {
  const t = SIGNATURE_LABELS[lang];
  return [
    String(e.seq),
    formatTaipeiInstant(e.at),
    // A rejection carries its reason: the history says why the item went back to the officer.
    `${t.actions[e.action] ?? e.action}${e.reason ? `${lang === 'zh-TW' ? '：' : ': '}${e.reason}` : ''}`,
    e.actor,
    t.roles[e.role] ?? e.role,
    e.item ?? '',
    e.hash ?? '',
    e.authentication,
  ];
}

/** The cover lines: revision, sign-off, signing key. */
export function signatureCover(s: ReportSignature, lang: 'zh-TW' | 'en'): [string, string][] {
  const t = SIGNATURE_LABELS[lang];
  const rows: [string, string][] = [[t.revision, `${s.revision}${s.revisesRunId ? `（${t.revises} ${s.revisesRunId}）` : ''}`]];
  rows.push([
    t.signed,
    s.signoff
      ? `${s.signoff.by} · ${t.roles[s.signoff.role] ?? s.signoff.role} · ${formatTaipeiInstant(s.signoff.at)} · ${s.signoff.authentication} · ${s.signoff.resultsHash}`
      : t.unsigned,
  ]);
  if (s.signingKey) rows.push([t.fingerprint, s.signingKey.fingerprint]);
  return rows;
}
