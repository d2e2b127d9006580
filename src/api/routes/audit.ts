import type { FastifyInstance } from 'fastify';
import { CoreError } from '../../core/errors.js';
import { firmsAllowed } from '../../core/people/roles.js';
import { listAuditEvents, verifyAudit } from '../../services/use-cases/audit.js';
import { arr, bool, errors, int, obj, out, str, strOrNull } from '../schemas.js';
import { actorOf, type RouteContext } from './context.js';

export function auditRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const s = deps.inspections;

  app.get(
    '/api/audit',
    {
      config: { access: { action: 'audit.read' } },
      schema: {
        tags: ['audit'],
        summary: 'audit events after a sequence number, oldest first (one firm, or all for a grant on every firm)',
        querystring: obj({ firm: str, after: { type: 'integer', minimum: 0 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } }, []),
        response: {
          200: out({
            events: arr(out({ seq: int, at: str, actor: str, action: str, entity: str, entity_id: str })),
            next_after: { type: 'integer', nullable: true },
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const q = request.query as { firm?: string; after?: number; limit: number };
      const actor = actorOf(request);
      let firmId: string | undefined;
      if (q.firm !== undefined) {
        // The firm in the query gets the same check as one in the path: a firm not granted is not
        // there (FIRM_NOT_FOUND); the role's answer on a granted one is the use case's (FORBIDDEN).
        const firm = await s.firm(q.firm);
        const allowed = firmsAllowed(actor.grants, 'audit.read');
        if (allowed !== 'all' && !allowed.includes(firm.id) && !actor.grants.some((g) => g.firmId === firm.id))
          throw new CoreError('FIRM_NOT_FOUND', 'no such firm', { ref: q.firm });
        firmId = firm.id;
      }
      const events = await listAuditEvents({ inspections: s }, actor, { firmId, after: q.after, limit: q.limit });
      return { events, next_after: events.length === q.limit ? events[events.length - 1]!.seq : null };
    },
  );

  app.post(
    '/api/audit/verify',
    {
      // The whole chain covers every firm: only someone whose grant spans all of them may see its problems.
      config: { access: { action: 'audit.verify', allFirms: true } },
      schema: {
        tags: ['audit'],
        summary: 'verify the whole chain: links, every row, MACs and witnessed heads',
        response: {
          200: out({
            ok: bool,
            events: int,
            head: str,
            problems: arr(out({ kind: str, seq: { type: 'integer', nullable: true }, label: strOrNull, detail: str })),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (request) => {
      const r = await verifyAudit({ inspections: s }, actorOf(request));
      return {
        ok: r.ok,
        events: r.events,
        head: r.head,
        problems: r.problems.map((p) => ({ kind: p.kind, seq: 'seq' in p ? Number(p.seq) : null, label: p.label ?? null, detail: p.detail })),
      };
    },
  );
}
