import type { FastifyInstance } from 'fastify';
import { REPORT_FORMATS } from '../../services/report-service.js';
import { signedPackage } from '../../services/use-cases/packages.js';
import { inspectionReport } from '../../services/use-cases/reports.js';
import { signatureHistory } from '../../services/use-cases/signatures.js';
import { historyEventSchema, presentHistoryEvent, signatureSchema } from '../presenters/run.js';
import { arr, errors, int, obj, out, revisionQuery, runParams, strOrNull } from '../schemas.js';
import { actorOf, attachment, firmOf, type RouteContext } from './context.js';

/**
 * What leaves the store for a run: its e-signature history, its report (HTML, XLSX, PDF) and the
 * signed package of a signed revision. Each calls its use case with the signed-in actor, which
 * checks report.read on the firm (the access hook has checked it too, from the route's action).
 */
export function reportRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const output = { inspections: deps.inspections };
  type RunParams = { firm: string; period: string };

  app.get(
    '/api/firms/:firm/runs/:period/signatures',
    {
      config: { access: { action: 'report.read' } },
      schema: {
        tags: ['runs'],
        summary: 'the e-signature history of the run',
        params: runParams,
        querystring: revisionQuery,
        response: { 200: out({ revision: int, revises: strOrNull, signoff: signatureSchema, history: arr(historyEventSchema) }), ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const p = request.params as RunParams;
      const h = await signatureHistory(output, actorOf(request), {
        firm: firmOf(request),
        period: p.period,
        revision: (request.query as { revision?: number }).revision,
      });
      return {
        revision: h.revision,
        revises: h.revisesRunId,
        signoff: {
          signed: h.signoff !== null,
          revision: h.revision,
          revises: h.revisesRunId,
          signed_by: h.signoff?.signedBy ?? null,
          signed_at: h.signoff?.signedAt ?? null,
          role: h.signoff?.role ?? null,
          authentication: h.signoff?.authentication ?? null,
          results_hash: h.signoff?.resultsHash ?? null,
        },
        history: h.history.map(presentHistoryEvent),
      };
    },
  );

  for (const format of REPORT_FORMATS) {
    app.get(
      `/api/firms/:firm/runs/:period/report.${format}`,
      {
        config: { access: { action: 'report.read' } },
        schema: {
          tags: ['reports'],
          summary: `the inspection report as ${format.toUpperCase()}`,
          params: runParams,
          querystring: obj({ revision: { type: 'integer', minimum: 1 }, lang: { type: 'string', enum: ['zh-TW', 'en'] } }, []),
        },
      },
      async (request, reply) => {
        const p = request.params as RunParams;
        const q = request.query as { revision?: number; lang?: 'zh-TW' | 'en' };
        const r = await inspectionReport(output, actorOf(request), { firm: firmOf(request), period: p.period, revision: q.revision, format, lang: q.lang });
        reply.type(r.contentType);
        if (format !== 'html') reply.header('content-disposition', attachment(`inspection-report-${r.data.firm.licence}-${r.data.period}.${format}`));
        // The report is a standalone document with its own <style> and no script at all: its
        // policy allows exactly that, nothing from anywhere else.
        else
          reply.header(
            'content-security-policy',
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
          );
        return reply.send(format === 'html' ? r.body.toString('utf8') : r.body);
      },
    );
  }

  app.get(
    '/api/firms/:firm/runs/:period/package.zip',
    {
      config: { access: { action: 'report.read' } },
      schema: {
        tags: ['reports'],
        summary: 'the signed package of a signed revision (application/zip)',
        params: runParams,
        querystring: revisionQuery,
      },
    },
    async (request, reply) => {
      const p = request.params as RunParams;
      const pkg = await signedPackage(output, actorOf(request), {
        firm: firmOf(request),
        period: p.period,
        revision: (request.query as { revision?: number }).revision,
      });
      reply.type(pkg.contentType).header('content-disposition', attachment(pkg.name)).header('content-length', pkg.size);
      return reply.send(pkg.open());
    },
  );
}
