import type { FastifyInstance } from 'fastify';
import { RESULT_STATUSES, type ResultStatus } from '../../core/inspection/item-result.js';
import { roleMay } from '../../core/people/roles.js';
import { recordAttestation, rejectResult } from '../../services/review-service.js';
import { runList, runView } from '../../services/run-view-service.js';
import {
  presentRejection,
  presentRunHead,
  presentRunSummary,
  presentRunView,
  presentSignature,
  rejectionSchema,
  runHeadSchema,
  runViewSchema,
  signatureSchema,
} from '../presenters/run.js';
import { arr, errors, firmParam, int, isoDateOrNull, itemParams, obj, out, revisionQuery, runParams, str, strOrNull } from '../schemas.js';
import { actorOf, firmOf, type RouteContext } from './context.js';

export function runRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const s = deps.inspections;
  type RunParams = { firm: string; period: string };
  type ItemParams = RunParams & { path: string };
  const ref = (firmId: string, p: RunParams) => ({ firm: firmId, period: p.period });
  const itemRef = (firmId: string, p: ItemParams) => ({ firm: firmId, period: p.period, path: p.path });

  app.get(
    '/api/firms/:firm/runs',
    {
      config: { access: { action: 'firm.read' } },
      schema: {
        tags: ['runs'],
        summary: "the firm's inspection runs (every revision)",
        params: firmParam,
        response: { 200: out({ runs: arr(runHeadSchema) }), ...errors(401, 403, 404) },
      },
    },
    async (request) => ({ runs: (await runList(s, firmOf(request))).map(presentRunSummary) }),
  );

  app.post(
    '/api/firms/:firm/runs',
    {
      config: { access: { action: 'run.start' } },
      schema: {
        tags: ['runs'],
        summary: 'start the inspection of a period',
        params: firmParam,
        body: obj({ period: str, catalog_version: str }, ['period']),
        response: { 201: out({ run: runHeadSchema, applicable: int, not_applicable: int }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const body = request.body as { period: string; catalog_version?: string };
      const r = await s.startRun(actorOf(request), firmOf(request), body.period, body.catalog_version);
      return reply.status(201).send({ run: presentRunHead(r.run, 1, false), applicable: r.applicable, not_applicable: r.notApplicable });
    },
  );

  app.get(
    '/api/firms/:firm/runs/:period',
    {
      config: { access: { action: 'firm.read' } },
      schema: {
        tags: ['runs'],
        summary: 'the run with every item: text, why it applies, result, review, evidence, analyzer output, signature state',
        params: runParams,
        querystring: revisionQuery,
        response: { 200: runViewSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const p = request.params as RunParams;
      return presentRunView(await runView(s, request.firm!, p.period, (request.query as { revision?: number }).revision));
    },
  );

  app.put(
    '/api/firms/:firm/runs/:period/items/:path/result',
    {
      config: { access: { action: 'result.record' } },
      schema: {
        tags: ['results'],
        summary: "record a person's result (attestation); fail or partial opens a finding",
        params: itemParams,
        body: obj(
          {
            status: { type: 'string', enum: RESULT_STATUSES.filter((x) => x !== 'not_run') },
            note: strOrNull,
            justification: strOrNull,
            expires_on: isoDateOrNull,
            evidence: arr({ type: 'string', pattern: '^[0-9a-f]{64}$' }),
          },
          ['status'],
        ),
        response: {
          200: out({
            result: out({ status: str, recorded_by: strOrNull, recorded_at: strOrNull, content_hash: str }),
            finding: { ...out({ id: str, status: str }), nullable: true },
          }),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const b = request.body as { status: ResultStatus; note?: string | null; justification?: string | null; expires_on?: string | null; evidence?: string[] };
      const { result, finding } = await recordAttestation(s, actorOf(request), itemRef(firmOf(request), request.params as ItemParams), {
        status: b.status,
        justification: b.justification ?? b.note ?? null,
        expiresOn: b.expires_on ?? null,
        evidence: b.evidence,
      });
      return {
        result: { status: result.status, recorded_by: result.recorded_by, recorded_at: result.recorded_at, content_hash: result.content_hash },
        finding: finding ? { id: finding.id, status: finding.status } : null,
      };
    },
  );

  app.post(
    '/api/firms/:firm/runs/:period/items/:path/approve',
    {
      config: { access: { action: 'result.approve' } },
      schema: {
        tags: ['results'],
        summary: 'approve a result (maker-checker by account; a fresh second factor)',
        params: itemParams,
        response: { 200: out({ approval: out({ by: str, at: str, hash: str }) }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const a = await s.approve(actorOf(request), itemRef(firmOf(request), request.params as ItemParams));
      return { approval: { by: a.approved_by, at: a.approved_at, hash: a.approved_hash } };
    },
  );

  app.post(
    '/api/firms/:firm/runs/:period/items/:path/reject',
    {
      config: { access: { action: 'result.reject' } },
      schema: {
        tags: ['results'],
        summary: 'send a result back with a reason (same maker-checker rule; a fresh second factor)',
        params: itemParams,
        body: obj({ reason: { type: 'string', minLength: 1, maxLength: 2000 } }),
        response: { 200: out({ rejection: rejectionSchema }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const r = await rejectResult(s, actorOf(request), itemRef(firmOf(request), request.params as ItemParams), (request.body as { reason: string }).reason);
      return { rejection: presentRejection(r) };
    },
  );

  app.post(
    '/api/firms/:firm/runs/:period/signoff',
    {
      config: { access: { action: 'run.signoff' } },
      schema: {
        tags: ['runs'],
        summary: 'sign the inspection off (every applicable item approved; a fresh second factor); then read-only',
        params: runParams,
        response: { 200: out({ signoff: signatureSchema, revision: int }), ...errors(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const firmId = firmOf(request);
      // The role the signer acts in, for the e-signature history: the grant that allows sign-off.
      const role = actor.grants.find((g) => roleMay(g.role, 'run.signoff') && (g.firmId === null || g.firmId === firmId))?.role ?? 'ciso';
      const r = await s.signRun(actorOf(request), ref(firmId, request.params as RunParams), { role, authentication: actor.method });
      return { signoff: presentSignature(r.revision, null, r.signoff), revision: r.revision };
    },
  );

  app.post(
    '/api/firms/:firm/runs/:period/revise',
    {
      config: { access: { action: 'run.revise' } },
      schema: {
        tags: ['runs'],
        summary: 'a new revision of a signed run (the signed one stays as it was)',
        params: runParams,
        response: { 201: out({ run: runHeadSchema, revision: int, revises: str }), ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const r = await s.reviseRun(actorOf(request), ref(firmOf(request), request.params as RunParams));
      return reply.status(201).send({ run: presentRunHead(r.run, r.revision, false), revision: r.revision, revises: r.revises });
    },
  );
}
