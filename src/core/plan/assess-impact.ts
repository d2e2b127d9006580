import type { ApplicabilityResult } from '../applicability/evaluate-applicability.js';
import type { CatalogNode, Frequency } from '../catalog/catalog-node.js';
import type { CatalogVersion } from '../catalog/catalog-version.js';
import { diffVersions } from '../catalog/diff-versions.js';
import { formatDualDate, type IsoDate } from '../dates.js';
import type { FirmProfile } from '../profile/firm-profile.js';
import { labelOf } from './build-plan.js';
import { periodContaining } from './periods.js';

export type ImpactKind = 'newly_applicable' | 'changed' | 'renumbered' | 'no_longer_applicable';
export type ImpactTask = 'new_procedure_evidence_check' | 'update_procedure_evidence' | 'relabel_records' | 'retire_check';

export interface ImpactItem {
  readonly kind: ImpactKind;
  readonly path: string | null;
  readonly oldPath: string | null;
  readonly code: string | null;
  readonly title: string;
  readonly frequency: Frequency | null;
  readonly task: ImpactTask;
  /** When the task must be done: end of the first check period from the effective date. */
  readonly due: IsoDate | null;
  readonly advisory: boolean;
  readonly tierDependent: boolean;
}

export interface Impact {
  readonly from: string;
  readonly to: string;
  readonly effectiveDate: IsoDate | null;
  readonly items: readonly ImpactItem[];
}

/**
 * What an amendment changes for one firm: items that now apply, changed wording, renumbering
 * (old → new, so existing records follow), and items that no longer apply, each with the task it
 * implies and a due date from the effective date and the item's frequency.
 */
export function assessImpact(from: CatalogVersion, to: CatalogVersion, before: ApplicabilityResult, after: ApplicabilityResult): Impact {
  const diff = diffVersions(from, to);
  const applied = new Map(before.decisions.map((d) => [d.path, d]));
  const applies = new Map(after.decisions.map((d) => [d.path, d]));
  const newNode = new Map(to.nodes.map((n) => [n.path, n]));
  const oldNode = new Map(from.nodes.map((n) => [n.path, n]));
  const oldOf = new Map(diff.map.map((e) => [e.newPath, e.oldPath]));
  const newOf = new Map(diff.map.map((e) => [e.oldPath, e.newPath]));
  const changeOf = new Map(diff.changes.filter((c) => c.path !== null).map((c) => [c.path!, c]));
  const effective = to.effectiveDate;
  const dueFor = (n: CatalogNode, task: ImpactTask): IsoDate | null => {
    if (!effective) return null;
    if (task === 'relabel_records' || task === 'retire_check' || !n.frequency) return effective;
    return periodContaining(effective, n.frequency).end;
  };
  const item = (kind: ImpactKind, task: ImpactTask, n: CatalogNode, path: string | null, oldPath: string | null): ImpactItem => ({
    kind,
    path,
    oldPath,
    code: n.code,
    title: labelOf(n),
    frequency: n.frequency,
    task,
    due: dueFor(n, task),
    advisory: n.strength === 'should',
    tierDependent: n.tierDependent,
  });

  const items: ImpactItem[] = [];
  for (const n of to.nodes) {
    if (!applies.get(n.path)?.applies) continue;
    const old = oldOf.get(n.path);
    const appliedBefore = old !== undefined && applied.get(old)?.applies === true;
    const change = changeOf.get(n.path);
    if (!appliedBefore) items.push(item('newly_applicable', 'new_procedure_evidence_check', n, n.path, old ?? null));
    else if (change?.kind === 'modified' || change?.kind === 'renumbered_and_modified')
      items.push(item('changed', 'update_procedure_evidence', n, n.path, old));
    else if (change?.kind === 'renumbered') items.push(item('renumbered', 'relabel_records', n, n.path, old));
  }
  for (const o of from.nodes) {
    if (!applied.get(o.path)?.applies) continue;
    const now = newOf.get(o.path);
    if (now === undefined || !applies.get(now)?.applies)
      items.push(item('no_longer_applicable', 'retire_check', newNode.get(now ?? '') ?? oldNode.get(o.path)!, now ?? null, o.path));
  }
  return { from: from.id, to: to.id, effectiveDate: effective, items };
}

const KIND_ZH: Record<ImpactKind, string> = {
  newly_applicable: '新增適用項目（須訂定作業程序、準備佐證資料並排入查核）',
  changed: '條文修正項目（須檢視並更新作業程序與佐證資料）',
  renumbered: '項次調整項目（既有紀錄由 ccheck 自動對應至新項次）',
  no_longer_applicable: '不再適用項目（停止查核，保留歷史紀錄）',
};

/** A short zh-TW memo a compliance officer can forward to management. */
export function writeImpactMemo(impact: Impact, profile: FirmProfile, hashes: { from: string; to: string }): string {
  const count = (k: ImpactKind) => impact.items.filter((i) => i.kind === k).length;
  const lines: string[] = [];
  lines.push(`# 「建立證券商資通安全檢查機制」修正對本公司之影響`);
  lines.push('');
  lines.push(`- 公司：${profile.firm.name}（${profile.firm.licence}）`);
  lines.push(`- 比較版本：${impact.from} → ${impact.to}`);
  lines.push(`- 生效日：${impact.effectiveDate ? formatDualDate(impact.effectiveDate) : '原表未載明'}`);
  lines.push(
    `- 摘要：新增適用 ${count('newly_applicable')} 項、條文修正 ${count('changed')} 項、項次調整 ${count('renumbered')} 項、不再適用 ${count('no_longer_applicable')} 項。`,
  );
  const order: ImpactKind[] = ['newly_applicable', 'changed', 'renumbered', 'no_longer_applicable'];
  const numerals = ['一', '二', '三', '四'];
  order.forEach((k, i) => {
    const list = impact.items.filter((x) => x.kind === k);
    if (list.length === 0) return;
    lines.push('');
    lines.push(`## ${numerals[i]}、${KIND_ZH[k]}`);
    lines.push('');
    list.forEach((x, j) => {
      const where = k === 'renumbered' ? `${x.oldPath} → ${x.path}` : (x.path ?? x.oldPath ?? '');
      const notes = [x.code, x.advisory ? '宜（建議）' : null, x.tierDependent ? '依資安分級' : null].filter(Boolean).join('，');
      lines.push(`${j + 1}. ${where}（${notes}）${x.title}${x.due ? `；完成期限 ${formatDualDate(x.due)}` : ''}`);
    });
  });
  lines.push('');
  lines.push(
    `本備忘錄由 ccheck 依檢查項目版本 ${impact.from}（${hashes.from.slice(0, 19)}…）與 ${impact.to}（${hashes.to.slice(0, 19)}…）及公司基本資料產生。`,
  );
  return `${lines.join('\n')}\n`;
}
