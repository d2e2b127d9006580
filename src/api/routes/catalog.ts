import type { FastifyInstance } from 'fastify';
import type { CatalogNode } from '../../core/catalog/catalog-node.js';
import { catalogDiff, catalogVersion, catalogVersions } from '../../services/catalog-view-service.js';
import { arr, bool, errors, int, obj, out, str, strOrNull } from '../schemas.js';
import type { RouteContext } from './context.js';

function presentNode(n: CatalogNode) {
  return {
    path: n.path,
    parent_path: n.parentPath,
    level: n.level,
    label: n.label,
    code: n.code,
    title: n.title,
    title_en: n.titleEn,
    text: n.text,
    text_en: n.textEn,
    status: n.status,
    frequency: n.frequency,
    applies_to: n.appliesTo,
    applies_to_reason: n.appliesToReason,
    tier_dependent: n.tierDependent,
    strength: n.strength,
    effective_date: n.effectiveDate,
    amended_fragments: [...n.amendedFragments],
    rationale: n.rationale
      ? { text: n.rationale.text, guideline: n.rationale.guideline, alignment: n.rationale.alignment, candidates: [...n.rationale.candidates] }
      : null,
  };
}
const nodeSchema = out({
  path: str,
  parent_path: strOrNull,
  level: str,
  label: str,
  code: strOrNull,
  title: strOrNull,
  title_en: strOrNull,
  text: strOrNull,
  text_en: strOrNull,
  status: str,
  frequency: strOrNull,
  applies_to: str,
  applies_to_reason: str,
  tier_dependent: bool,
  strength: strOrNull,
  effective_date: strOrNull,
  amended_fragments: arr(str),
  rationale: { ...out({ text: str, guideline: strOrNull, alignment: str, candidates: arr(str) }), nullable: true },
});
const versionSchema = out({ id: str, hash: str, title: str, effective_date: strOrNull, origin: str, nodes: int });

export function catalogRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  app.get(
    '/api/catalog/versions',
    {
      config: { access: { action: 'catalog.read' } },
      schema: { tags: ['catalog'], summary: 'catalog versions, oldest first', response: { 200: out({ versions: arr(versionSchema) }), ...errors(401, 403) } },
    },
    async () => ({
      versions: (await catalogVersions(deps.inspections.catalog)).map((v) => ({
        id: v.version.id,
        hash: v.version.hash,
        title: v.version.title,
        effective_date: v.version.effectiveDate,
        origin: v.origin,
        nodes: v.version.nodes.length,
      })),
    }),
  );

  app.get(
    '/api/catalog/versions/:id',
    {
      config: { access: { action: 'catalog.read' } },
      schema: {
        tags: ['catalog'],
        summary: "one version's tree (nodes in order, each with its parent)",
        params: obj({ id: str }),
        response: {
          200: out({ version: out({ id: str, hash: str, title: str, effective_date: strOrNull, truncated_after: strOrNull }), nodes: arr(nodeSchema) }),
          ...errors(401, 403, 404),
        },
      },
    },
    async (request) => {
      const v = await catalogVersion(deps.inspections.catalog, (request.params as { id: string }).id);
      return {
        version: { id: v.id, hash: v.hash, title: v.title, effective_date: v.effectiveDate, truncated_after: v.truncatedAfter },
        nodes: v.nodes.map(presentNode),
      };
    },
  );

  app.get(
    '/api/catalog/diff',
    {
      config: { access: { action: 'catalog.read' } },
      schema: {
        tags: ['catalog'],
        summary: 'side-by-side amendment diff of two versions',
        querystring: obj({ from: str, to: str }),
        response: {
          200: out({
            from: str,
            to: str,
            changes: arr(
              out({
                kind: str,
                path: strOrNull,
                old_path: strOrNull,
                code: strOrNull,
                fields: arr(str),
                before: { ...nodeSchema, nullable: true },
                after: { ...nodeSchema, nullable: true },
              }),
            ),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const q = request.query as { from: string; to: string };
      const d = await catalogDiff(deps.inspections.catalog, q.from, q.to);
      return {
        from: d.from.id,
        to: d.to.id,
        changes: d.changes.map((c) => ({
          kind: c.kind,
          path: c.path,
          old_path: c.oldPath,
          code: c.code,
          fields: [...c.fields],
          before: c.before ? presentNode(c.before) : null,
          after: c.after ? presentNode(c.after) : null,
        })),
      };
    },
  );
}
