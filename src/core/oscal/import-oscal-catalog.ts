import { z } from 'zod';
import type { AppliesTo, AttributeSource, CatalogNode, Frequency, NodeLevel, NodeStatus, Rationale, Strength } from '../catalog/catalog-node.js';
import { NODE_LEVELS } from '../catalog/catalog-node.js';
import { createCatalogVersion, type CatalogVersion } from '../catalog/catalog-version.js';
import type { IsoDate } from '../dates.js';
import { CoreError, type Problem } from '../errors.js';
import { CCHECK_NS } from './oscal-ids.js';

/*
 * Reads an OSCAL catalog (JSON) into a catalog version. ccheck's own export comes back exactly
 * (every node field travels as a property or part in ccheck's namespace); any other catalog, such
 * as NIST SP 800-53 or NIST's basic ISO 27002 example, imports as a tree of groups and controls
 * labelled by their OSCAL labels, with no cadence and no broker scope: a firm can read, diff and
 * export it, and the applicability rules simply do not mention it.
 */

const propSchema = z.object({ name: z.string(), value: z.string(), ns: z.string().optional(), class: z.string().optional() });
type OscalProp = z.infer<typeof propSchema>;
interface OscalPart {
  id?: string;
  name: string;
  ns?: string;
  title?: string;
  props?: OscalProp[];
  prose?: string;
  parts?: OscalPart[];
}
const partSchema: z.ZodType<OscalPart> = z.lazy(() =>
  z.object({
    id: z.string().optional(),
    name: z.string(),
    ns: z.string().optional(),
    title: z.string().optional(),
    props: z.array(propSchema).optional(),
    prose: z.string().optional(),
    parts: z.array(partSchema).optional(),
  }),
);
const paramSchema = z.object({ id: z.string(), label: z.string().optional(), select: z.object({ choice: z.array(z.string()).optional() }).optional() });
interface OscalControl {
  id: string;
  class?: string;
  title: string;
  params?: z.infer<typeof paramSchema>[];
  props?: OscalProp[];
  parts?: OscalPart[];
  controls?: OscalControl[];
  groups?: OscalControl[];
}
const controlSchema: z.ZodType<OscalControl> = z.lazy(() =>
  z.object({
    id: z.string(),
    class: z.string().optional(),
    title: z.string(),
    params: z.array(paramSchema).optional(),
    props: z.array(propSchema).optional(),
    parts: z.array(partSchema).optional(),
    controls: z.array(controlSchema).optional(),
    groups: z.array(controlSchema).optional(),
  }),
);
const catalogSchema = z.object({
  catalog: z.object({
    uuid: z.string(),
    metadata: z.object({
      title: z.string(),
      published: z.string().optional(),
      version: z.string(),
      'oscal-version': z.string(),
      props: z.array(propSchema).optional(),
      remarks: z.string().optional(),
    }),
    params: z.array(paramSchema).optional(),
    controls: z.array(controlSchema).optional(),
    groups: z.array(controlSchema).optional(),
  }),
});

export interface OscalCatalogImportInput {
  readonly document: unknown;
  readonly fileName: string;
  readonly sha256: string;
  /** The version id; default: the catalog's own ccheck id, else `oscal-` + the first 8 of its UUID. */
  readonly id?: string;
  /** When the version takes effect; another catalog's publication date is not an effective date, so it is never guessed. */
  readonly effectiveDate?: IsoDate | null;
}

const KNOWN_MODELS = [
  'profile',
  'component-definition',
  'system-security-plan',
  'assessment-plan',
  'assessment-results',
  'plan-of-action-and-milestones',
  'mapping-collection',
];

export function importOscalCatalog(input: OscalCatalogImportInput): CatalogVersion {
  const doc = input.document;
  if (doc && typeof doc === 'object' && !('catalog' in doc)) {
    const model = KNOWN_MODELS.find((m) => m in doc);
    if (model)
      throw new CoreError(
        'OSCAL_NOT_A_CATALOG',
        `${input.fileName} is an OSCAL ${model}, not a catalog`,
        { model },
        { file: input.fileName, field: `/${model}` },
      );
  }
  const parsed = catalogSchema.safeParse(doc);
  if (!parsed.success) {
    const problems: Problem[] = parsed.error.issues.slice(0, 20).map((i) => ({
      location: { file: input.fileName, field: `/${i.path.join('/')}` },
      en: i.message,
      zh: `欄位 /${i.path.join('/')} 不符合 OSCAL 目錄格式：${i.message}`,
    }));
    throw new CoreError(
      'OSCAL_INVALID',
      `${input.fileName} is not an OSCAL catalog ccheck can read (${problems.length} problems)`,
      {},
      { file: input.fileName, field: problems[0]?.location.field },
      problems,
    );
  }
  const cat = parsed.data.catalog;
  const own = (cat.metadata.props ?? []).some((p) => p.ns === CCHECK_NS && p.name === 'catalog-hash');
  const metaProp = (name: string) => (cat.metadata.props ?? []).find((p) => p.ns === CCHECK_NS && p.name === name)?.value ?? null;
  const params = new Map<string, string>();
  const nodes: CatalogNode[] = [];
  const seen = new Set<string>();

  const visit = (c: OscalControl, parentPath: string | null, depth: number, pointer: string) => {
    for (const p of c.params ?? []) params.set(p.id, p.label ?? p.select?.choice?.join(' | ') ?? p.id);
    const level = NODE_LEVELS[depth];
    if (!level)
      throw new CoreError(
        'OSCAL_TOO_DEEP',
        `${c.id} is nested ${depth + 1} levels deep; ccheck keeps at most 4`,
        { id: c.id },
        { file: input.fileName, field: pointer },
      );
    const node = own ? ownNode(c, parentPath, pointer, input.fileName) : foreignNode(c, parentPath, level, cat.metadata.title, params);
    if (seen.has(node.path))
      throw new CoreError(
        'OSCAL_DUPLICATE_PATH',
        `two controls share the label path ${node.path}`,
        { path: node.path },
        { file: input.fileName, field: pointer },
      );
    seen.add(node.path);
    nodes.push(node);
    (c.groups ?? []).forEach((g, i) => visit(g, node.path, depth + 1, `${pointer}/groups/${i}`));
    (c.controls ?? []).forEach((k, i) => visit(k, node.path, depth + 1, `${pointer}/controls/${i}`));
  };
  for (const p of cat.params ?? []) params.set(p.id, p.label ?? p.id);
  (cat.groups ?? []).forEach((g, i) => visit(g, null, 0, `/catalog/groups/${i}`));
  (cat.controls ?? []).forEach((c, i) => visit(c, null, 0, `/catalog/controls/${i}`));
  if (!nodes.length) throw new CoreError('OSCAL_INVALID', `${input.fileName} holds no groups or controls`, {}, { file: input.fileName, field: '/catalog' });

  const id = input.id ?? (own ? cat.metadata.version : `oscal-${cat.uuid.slice(0, 8)}`);
  return createCatalogVersion(id, {
    title: cat.metadata.title,
    effectiveDate: input.effectiveDate ?? metaProp('effective-date'),
    effectiveDateNote: null,
    basis: null,
    source: { kind: 'oscal_catalog', uuid: cat.uuid, oscalVersion: cat.metadata['oscal-version'], sha256: input.sha256, fileName: input.fileName },
    truncatedAfter: metaProp('truncated-after'),
    corrections: [],
    nodes,
  });
}

const ours = (props: readonly OscalProp[] | undefined, name: string) => (props ?? []).find((p) => p.ns === CCHECK_NS && p.name === name);
const ourParts = (parts: readonly OscalPart[] | undefined, name: string) => (parts ?? []).filter((p) => p.ns === CCHECK_NS && p.name === name);

/** A node from ccheck's own export: every field is in a property or part (see reports/oscal/oscal-catalog.ts). */
function ownNode(c: OscalControl, parentPath: string | null, pointer: string, file: string): CatalogNode {
  const need = (name: string) => {
    const p = ours(c.props, name);
    if (!p) throw new CoreError('OSCAL_INVALID', `${c.id} lacks ccheck property ${name}`, { id: c.id }, { file, field: `${pointer}/props` });
    return p;
  };
  const path = need('path').value;
  const code = ours(c.props, 'cc-code');
  const frequency = ours(c.props, 'frequency');
  const abi = ours(c.props, 'all-broker-items');
  const r = ourParts(c.parts, 'rationale')[0];
  const rationale: Rationale | null = r
    ? {
        text: r.prose ?? '',
        repeatsAbove: ours(r.props, 'repeats-above')?.value === 'true',
        guideline: ourParts(r.parts, 'guideline')[0]?.prose ?? null,
        alignment: (ours(r.props, 'alignment')?.value ?? 'unresolved') as Rationale['alignment'],
        candidates: ourParts(r.parts, 'candidate').map((p) => p.prose ?? ''),
      }
    : null;
  return {
    path,
    level: need('level').value as NodeLevel,
    label: (c.props ?? []).find((p) => p.name === 'label' && !p.ns)?.value ?? path.split('/').pop()!,
    parentPath,
    code: code?.value ?? null,
    codeSource: (code?.class ?? null) as AttributeSource | null,
    title: ours(c.props, 'title-absent') ? null : c.title,
    titleEn: ourParts(c.parts, 'title-en')[0]?.prose ?? null,
    text: (c.parts ?? []).find((p) => p.name === 'statement' && !p.ns)?.prose ?? null,
    textEn: ourParts(c.parts, 'statement-en')[0]?.prose ?? null,
    textSource: (ours(c.props, 'text-source')?.value ?? null) as CatalogNode['textSource'],
    status: need('status').value as NodeStatus,
    frequency: (frequency?.value ?? null) as Frequency | null,
    frequencySource: (frequency?.class ?? null) as AttributeSource | null,
    appliesTo: need('applies-to').value as AppliesTo,
    appliesToReason: ourParts(c.parts, 'applies-to-reason')[0]?.prose ?? '',
    allBrokerItems: abi ? (abi.value === 'none' ? [] : abi.value.split(',')) : null,
    tierDependent: ours(c.props, 'tier-dependent')?.value === 'true',
    strength: (ours(c.props, 'strength')?.value ?? null) as Strength | null,
    effectiveDate: ours(c.props, 'effective-date')?.value ?? null,
    rationale,
    amendedFragments: ourParts(c.parts, 'amended-fragment').map((p) => p.prose ?? ''),
  };
}

/** A node from another catalog: label path, title, and the statement's prose with its sub-items and parameters spelled out. */
function foreignNode(c: OscalControl, parentPath: string | null, level: NodeLevel, catalogTitle: string, params: Map<string, string>): CatalogNode {
  const label = ((c.props ?? []).find((p) => p.name === 'label' && (!p.ns || p.ns === 'http://csrc.nist.gov/ns/oscal'))?.value ?? c.id).replace(/\//g, '-');
  const path = parentPath === null ? label : `${parentPath}/${label}`;
  const statement = (c.parts ?? []).find((p) => p.name === 'statement');
  const text = statement ? proseOf(statement, params) : null;
  return {
    path,
    level,
    label,
    parentPath,
    code: null,
    codeSource: null,
    title: c.title,
    titleEn: null,
    text,
    textEn: null,
    textSource: null,
    status: 'text',
    frequency: null,
    frequencySource: null,
    appliesTo: 'all_brokers',
    appliesToReason: `OSCAL catalog "${catalogTitle}" states no broker scope`,
    allBrokerItems: null,
    tierDependent: false,
    strength: null,
    effectiveDate: null,
    rationale: null,
    amendedFragments: [],
  };
}

/** A statement with its lettered items, one per line, and `{{ insert: param, x }}` replaced by the parameter's label in brackets. */
function proseOf(part: OscalPart, params: Map<string, string>, indent = ''): string {
  const label = (part.props ?? []).find((p) => p.name === 'label')?.value;
  const own = part.prose ? `${indent}${label ? `${label} ` : ''}${part.prose}` : label ? `${indent}${label}` : '';
  const kids = (part.parts ?? []).filter((p) => p.name === 'item' || p.name === 'statement').map((p) => proseOf(p, params, own ? `${indent}  ` : indent));
  return [own, ...kids]
    .filter(Boolean)
    .join('\n')
    .replace(/\{\{\s*insert:\s*param,\s*([^}\s]+)\s*\}\}/g, (_, id: string) => `[${params.get(id) ?? id}]`);
}
