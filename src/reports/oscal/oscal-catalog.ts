import type { CatalogNode } from '../../core/catalog/catalog-node.js';
import type { CatalogVersion } from '../../core/catalog/catalog-version.js';
import { CCHECK_NS, controlIdOf, statementIdOf, uuidV5, type OscalVersion } from '../../core/oscal/oscal-ids.js';

/** The OSCAL JSON shapes ccheck writes, loosely typed: NIST's schemas are what validates them (tests). */
export type OscalObject = { [key: string]: unknown };

export interface OscalExportOptions {
  readonly oscalVersion: OscalVersion;
  /** ISO date-time with zone: when the document was produced (the shell passes the clock in). */
  readonly lastModified: string;
}

type Prop = { name: string; value: string; ns?: string; class?: string };
type Part = { id?: string; name: string; ns?: string; title?: string; props?: Prop[]; prose?: string; parts?: Part[] };

const prop = (name: string, value: string, cls?: string | null): Prop => ({ name, ns: CCHECK_NS, value, ...(cls ? { class: cls } : {}) });
const part = (name: string, prose: string, extra: Partial<Part> = {}): Part => ({ name, ns: CCHECK_NS, ...extra, prose });

/** Title for a node: OSCAL requires one, and a single line. Points print no zh title, so the English reading or the label stands in. */
function titleOf(node: CatalogNode): string {
  return (node.title ?? node.titleEn ?? `${node.code ?? ''} ${node.path}`.trim()).replace(/\s*\n\s*/g, ' ');
}

/**
 * Every field of a node, as OSCAL properties and parts, so that importing the export gives the
 * same node back (tested for every committed version). Single-line facts are properties (the
 * source of an inherited value is the property's class); free text is a part, because property
 * values may not hold line breaks.
 */
function propsAndParts(node: CatalogNode): { props: Prop[]; parts: Part[] } {
  const props: Prop[] = [{ name: 'label', value: node.label }, prop('path', node.path), prop('level', node.level)];
  if (node.title === null) props.push(prop('title-absent', 'true'));
  if (node.code !== null) props.push(prop('cc-code', node.code, node.codeSource));
  if (node.frequency !== null) props.push(prop('frequency', node.frequency, node.frequencySource));
  props.push(prop('applies-to', node.appliesTo));
  if (node.allBrokerItems !== null) props.push(prop('all-broker-items', node.allBrokerItems.length ? node.allBrokerItems.join(',') : 'none'));
  props.push(prop('tier-dependent', String(node.tierDependent)));
  if (node.strength !== null) props.push(prop('strength', node.strength));
  props.push(prop('status', node.status));
  if (node.effectiveDate !== null) props.push(prop('effective-date', node.effectiveDate));
  if (node.textSource !== null) props.push(prop('text-source', node.textSource));

  const parts: Part[] = [];
  if (node.text !== null) parts.push({ id: statementIdOf(node.path), name: 'statement', prose: node.text });
  if (node.textEn !== null) parts.push(part('statement-en', node.textEn));
  if (node.titleEn !== null) parts.push(part('title-en', node.titleEn));
  parts.push(part('applies-to-reason', node.appliesToReason));
  const r = node.rationale;
  if (r) {
    const rProps = [prop('alignment', r.alignment), prop('repeats-above', String(r.repeatsAbove))];
    const rParts = [...(r.guideline !== null ? [part('guideline', r.guideline)] : []), ...r.candidates.map((c) => part('candidate', c))];
    parts.push(part('rationale', r.text, { props: rProps, ...(rParts.length ? { parts: rParts } : {}) }));
  }
  for (const f of node.amendedFragments) parts.push(part('amended-fragment', f));
  return { props, parts };
}

/**
 * A catalog version as an OSCAL catalog: points are groups, sub-sections, items and sub-items
 * are nested controls, each with its printed label, CC code, cadence, scope and text. The UUID is
 * derived from the version's content hash, so the same version always exports the same document.
 */
export function oscalCatalog(version: CatalogVersion, options: OscalExportOptions): OscalObject {
  const childrenOf = new Map<string | null, CatalogNode[]>();
  for (const n of version.nodes) childrenOf.set(n.parentPath, [...(childrenOf.get(n.parentPath) ?? []), n]);
  // Points become groups and everything below them controls; both carry the same fields.
  const node = (n: CatalogNode): OscalObject => {
    const kids = childrenOf.get(n.path) ?? [];
    return {
      id: controlIdOf(n.path),
      class: n.level,
      title: titleOf(n),
      ...nonEmpty(propsAndParts(n)),
      ...(kids.length ? { controls: kids.map(node) } : {}),
    };
  };
  const source = version.source;
  const sourceUuid = uuidV5(`source:${source.sha256}`);
  return {
    catalog: {
      uuid: uuidV5(`catalog:${version.hash}`),
      metadata: {
        title: version.title.replace(/\s*\n\s*/g, ' '),
        'last-modified': options.lastModified,
        version: version.id,
        'oscal-version': options.oscalVersion,
        props: [
          prop('catalog-hash', version.hash),
          ...(version.effectiveDate ? [prop('effective-date', version.effectiveDate)] : []),
          ...(version.truncatedAfter ? [prop('truncated-after', version.truncatedAfter)] : []),
          prop('source-kind', source.kind),
        ],
        ...(remarksOf(version) ? { remarks: remarksOf(version) } : {}),
      },
      groups: (childrenOf.get(null) ?? []).map(node),
      'back-matter': {
        resources: [
          {
            uuid: sourceUuid,
            title: sourceTitle(source),
            rlinks: [{ href: encodeURI(source.fileName), hashes: [{ algorithm: 'SHA-256', value: source.sha256 }] }],
          },
        ],
      },
    },
  };
}

function remarksOf(version: CatalogVersion): string | null {
  const lines = [version.basis, version.effectiveDateNote].filter((s): s is string => !!s);
  return lines.length ? lines.join('\n\n') : null;
}

function nonEmpty(pp: { props: Prop[]; parts: Part[] }): { props?: Prop[]; parts?: Part[] } {
  return { ...(pp.props.length ? { props: pp.props } : {}), ...(pp.parts.length ? { parts: pp.parts } : {}) };
}

function sourceTitle(source: CatalogVersion['source']): string {
  if (source.kind === 'amendment_table') return `Amendment comparison table (${source.column} column)`;
  if (source.kind === 'firm_checklist') return `Firm checklist derived from ${source.baseId}`;
  return `OSCAL catalog ${source.uuid}`;
}
