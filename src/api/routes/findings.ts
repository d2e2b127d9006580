import type { FastifyInstance } from 'fastify';
import { CoreError } from '../../core/errors.js';
import { FINDING_SEVERITIES, FINDING_STATUSES, type FindingSeverity, type FindingStatus } from '../../core/inspection/finding.js';
import { findingSchema, presentFinding } from '../presenters/run.js';
import { arr, errors, firmParam, isoDate, obj, out, str } from '../schemas.js';
import { actorOf, firmOf, type RouteContext } from './context.js';

export function findingRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const s = deps.inspections;

  /** The firm's findings with the period each was found in. */
  const findingsOf = async (firmId: string) => {
    const periodOf = new Map((await s.listRuns(firmId)).map((r) => [r.id, r.period]));
    return (await s.listFindings(firmId)).map((f) => ({ f, period: periodOf.get(f.run_id) ?? null }));
  };

  app.get(
    '/api/firms/:firm/findings',
    {
      config: { access: { action: 'firm.read' } },
      schema: {
        tags: ['findings'],
        summary: 'the findings register (optionally one status)',
        params: firmParam,
        querystring: obj({ status: { type: 'string', enum: [...FINDING_STATUSES] } }, []),
        response: { 200: out({ findings: arr(findingSchema) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { status } = request.query as { status?: FindingStatus };
      const today = s.clock.today();
      return {
        findings: (await findingsOf(firmOf(request)))
          .filter(({ f }) => !status || f.status === status)
          .map(({ f, period }) => presentFinding(f, period, today)),
      };
    },
  );

  app.patch(
    '/api/firms/:firm/findings/:id',
    {
      config: { access: { action: 'finding.update' } },
      schema: {
        tags: ['findings'],
        summary: 'update a finding: owner, due date, root cause, corrective action (note), severity, status',
        params: obj({ firm: str, id: { type: 'string', format: 'uuid' } }),
        body: obj(
          {
            status: { type: 'string', enum: [...FINDING_STATUSES] },
            owner: { type: 'string', minLength: 1 },
            due_on: isoDate,
            note: { type: 'string', minLength: 1 },
            root_cause: { type: 'string', minLength: 1 },
            corrective_action: { type: 'string', minLength: 1 },
            severity: { type: 'string', enum: [...FINDING_SEVERITIES] },
            effectiveness_check: { type: 'string', minLength: 1 },
          },
          [],
        ),
        response: { 200: out({ finding: findingSchema }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const firmId = firmOf(request);
      // Only a finding of the firm in the path, by its whole id: never another firm's by a prefix.
      const own = (await findingsOf(firmId)).find(({ f }) => f.id === id);
      if (!own) throw new CoreError('FINDING_NOT_FOUND', 'no such finding for this firm', { id });
      const b = request.body as {
        status?: FindingStatus;
        owner?: string;
        due_on?: string;
        note?: string;
        root_cause?: string;
        corrective_action?: string;
        severity?: FindingSeverity;
        effectiveness_check?: string;
      };
      const f = await s.updateFinding(
        actorOf(request),
        id,
        { severity: b.severity, rootCause: b.root_cause, correctiveAction: b.corrective_action ?? b.note, owner: b.owner, dueOn: b.due_on },
        b.status && b.status !== own.f.status ? b.status : undefined,
        b.effectiveness_check,
      );
      return { finding: presentFinding(f, own.period, s.clock.today()) };
    },
  );
}
