import type { CatalogNode } from './catalog-node.js';
import type { CatalogVersion } from './catalog-version.js';
import { comparisonKey } from './interpret-content.js';

/** 新增 / 修正 / 項次調整 / 刪除 */
export type ChangeKind = 'added' | 'modified' | 'renumbered' | 'renumbered_and_modified' | 'removed';

export interface CatalogChange {
  readonly kind: ChangeKind;
  /** Path in the newer version; null when removed. */
  readonly path: string | null;
  /** Path in the older version; null when added. */
  readonly oldPath: string | null;
  readonly code: string | null;
  /** What differs, for modified kinds: title, text, effective_date, all_broker_items, code, frequency. */
  readonly fields: readonly string[];
}

/** Where each node of one version went in another: existing records follow renumbering with it. */
export interface VersionMapEntry {
  readonly oldPath: string;
  readonly newPath: string;
}

export interface VersionDiff {
  readonly from: string;
  readonly to: string;
  readonly changes: readonly CatalogChange[];
  readonly map: readonly VersionMapEntry[];
}

function hasContent(n: CatalogNode): boolean {
  return n.title !== null || n.text !== null;
}

/** Fields that differ in printed content. An elided side says nothing, so it never differs. */
function changedFields(a: CatalogNode, b: CatalogNode): string[] {
  const fields: string[] = [];
  const bothPrinted = a.status === 'text' && b.status === 'text';
  if ((bothPrinted || (a.title !== null && b.title !== null)) && comparisonKey(a.title) !== comparisonKey(b.title)) fields.push('title');
  if (bothPrinted && comparisonKey(a.text) !== comparisonKey(b.text)) fields.push('text');
  if (a.effectiveDate !== b.effectiveDate) fields.push('effective_date');
  if ((a.allBrokerItems ?? []).join() !== (b.allBrokerItems ?? []).join()) fields.push('all_broker_items');
  if (a.codeSource === 'stated' && b.codeSource === 'stated' && a.code !== b.code) fields.push('code');
  if (a.frequencySource === 'stated' && b.frequencySource === 'stated' && a.frequency !== b.frequency) fields.push('frequency');
  return fields;
}

function contentKey(n: CatalogNode): string {
  return `${comparisonKey(n.title)}|${n.status === 'text' ? comparisonKey(n.text) : '…'}|${n.effectiveDate ?? ''}`;
}

function commonBigrams(a: string, b: string): number {
  const grams = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const g = a.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  let common = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const g = b.slice(i, i + 2);
    const c = grams.get(g) ?? 0;
    if (c > 0) {
      common++;
      grams.set(g, c - 1);
    }
  }
  return common;
}

/** Dice coefficient over character bigrams: how alike two printed texts are, 0…1. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  return (2 * commonBigrams(a, b)) / (a.length - 1 + (b.length - 1));
}

/**
 * Overlap coefficient: how much of the shorter text the longer one keeps. An amendment that
 * appends words (1/(4) gains RTO and RPO) keeps the old text whole, which Dice undervalues.
 */
export function overlap(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  return commonBigrams(a, b) / (Math.min(a.length, b.length) - 1);
}

const textOf = (n: CatalogNode) => comparisonKey(`${n.title ?? ''}${n.text ?? ''}`);
const RENUMBER_THRESHOLD = 0.5;
const SAME_LABEL_THRESHOLD = 0.5;

/**
 * Pairs the children of two matched parents. In order of confidence: identical content (which
 * follows renumbering: old e 電腦病毒… = new f), the same label where nothing contradicts it,
 * then the most similar remaining pair (old d CA 認證… ≈ new e 身分CA認證…).
 */
function matchSiblings(olds: CatalogNode[], news: CatalogNode[]): [CatalogNode, CatalogNode][] {
  const pairs: [CatalogNode, CatalogNode][] = [];
  const usedOld = new Set<CatalogNode>();
  const usedNew = new Set<CatalogNode>();
  const take = (o: CatalogNode, n: CatalogNode) => {
    pairs.push([o, n]);
    usedOld.add(o);
    usedNew.add(n);
  };

  for (const o of olds) {
    if (!hasContent(o)) continue;
    const key = contentKey(o);
    const same = news.filter((n) => !usedNew.has(n) && hasContent(n) && contentKey(n) === key);
    const n = same.find((c) => c.label === o.label) ?? same[0];
    if (n) take(o, n);
  }
  for (const o of olds) {
    if (usedOld.has(o)) continue;
    const n = news.find((c) => !usedNew.has(c) && c.label === o.label);
    if (!n) continue;
    if (!hasContent(o) || !hasContent(n) || overlap(textOf(o), textOf(n)) >= SAME_LABEL_THRESHOLD) take(o, n);
  }
  const candidates: { o: CatalogNode; n: CatalogNode; s: number }[] = [];
  for (const o of olds) {
    if (usedOld.has(o) || !hasContent(o)) continue;
    for (const n of news) {
      if (usedNew.has(n) || !hasContent(n)) continue;
      const s = similarity(textOf(o), textOf(n));
      if (s >= RENUMBER_THRESHOLD) candidates.push({ o, n, s });
    }
  }
  candidates.sort((x, y) => y.s - x.s);
  for (const { o, n } of candidates) if (!usedOld.has(o) && !usedNew.has(n)) take(o, n);
  return pairs;
}

/**
 * The changes from one catalog version to another, and the map of where every node went. Works
 * on any two versions, not only consecutive ones: matching is by content and structure, never by
 * the order in which versions were imported.
 */
export function diffVersions(from: CatalogVersion, to: CatalogVersion): VersionDiff {
  const childrenOf = (nodes: readonly CatalogNode[]) => {
    const m = new Map<string | null, CatalogNode[]>();
    for (const n of nodes) {
      const list = m.get(n.parentPath) ?? [];
      list.push(n);
      m.set(n.parentPath, list);
    }
    return m;
  };
  const oldChildren = childrenOf(from.nodes);
  const newChildren = childrenOf(to.nodes);
  const oldToNew = new Map<string, CatalogNode>();
  const matchedNew = new Set<string>();
  const map: VersionMapEntry[] = [];

  const walk = (oldParent: string | null, newParent: string | null) => {
    const pairs = matchSiblings(oldChildren.get(oldParent) ?? [], newChildren.get(newParent) ?? []);
    for (const [o, n] of pairs) {
      oldToNew.set(o.path, n);
      matchedNew.add(n.path);
      map.push({ oldPath: o.path, newPath: n.path });
      walk(o.path, n.path);
    }
  };
  walk(null, null);

  const changes: CatalogChange[] = [];
  const newByPath = new Map(to.nodes.map((n) => [n.path, n]));
  const oldByPath = new Map(from.nodes.map((n) => [n.path, n]));
  for (const { oldPath, newPath } of map) {
    const o = oldByPath.get(oldPath)!;
    const n = newByPath.get(newPath)!;
    const fields = changedFields(o, n);
    const moved = oldPath !== newPath;
    if (!moved && fields.length === 0) continue;
    const kind: ChangeKind = moved ? (fields.length ? 'renumbered_and_modified' : 'renumbered') : 'modified';
    changes.push({ kind, path: newPath, oldPath, code: n.code ?? o.code, fields });
  }
  for (const n of to.nodes) {
    if (!matchedNew.has(n.path)) changes.push({ kind: 'added', path: n.path, oldPath: null, code: n.code, fields: [] });
  }
  for (const o of from.nodes) {
    if (!oldToNew.has(o.path)) changes.push({ kind: 'removed', path: null, oldPath: o.path, code: o.code, fields: [] });
  }
  // Newer version's order first; removed nodes after, in the older version's order.
  const order = new Map(to.nodes.map((n, i) => [n.path, i]));
  const oldOrder = new Map(from.nodes.map((n, i) => [n.path, to.nodes.length + i]));
  const rank = (c: CatalogChange) => (c.path !== null ? (order.get(c.path) ?? 0) : (oldOrder.get(c.oldPath ?? '') ?? 0));
  changes.sort((a, b) => rank(a) - rank(b));
  return { from: from.id, to: to.id, changes, map };
}

/** Follows a path from one version to another; null when the node was removed. */
export function mapPath(diff: VersionDiff, oldPath: string): string | null {
  return diff.map.find((e) => e.oldPath === oldPath)?.newPath ?? null;
}
