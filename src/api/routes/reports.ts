import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { CoreError } from '../../core/errors.js';
import type { JobView } from '../../services/job-service.js';
import { REPORT_FORMATS } from '../../services/report-service.js';
import { signedPackage } from '../../services/use-cases/packages.js';
import { inspectionReport } from '../../services/use-cases/reports.js';
import { signatureHistory } from '../../services/use-cases/signatures.js';
import { historyEventSchema, presentHistoryEvent, signatureSchema } from '../presenters/run.js';
import { arr, errors, int, obj, out, revisionQuery, runParams, str, strOrNull } from '../schemas.js';
import { actorOf, attachment, firmOf, type RouteContext } from './context.js';

/**
 * What leaves the store for a run: its e-signature history, its report (HTML, XLSX, PDF) and the
 * signed package of a signed revision. Each calls its use case with the signed-in actor, which
 * checks report.read on the firm (the access hook has checked it too, from the route's action).
 */
export function reportRoutes(app: FastifyInstance, { deps, jobs }: RouteContext): void {
  const output = { inspections: deps.inspections };
  type RunParams = { firm: string; period: string };
  const ownerOf = (a: { kind: string; id: string }) => `${a.kind}:${a.id}`;
  /** Finished outputs of jobs, for their download (a report's bytes; a package's kept copy, opened on demand). The oldest go first. */
  const ready = new Map<string, { owner: string; name: string; contentType: string; size: number; open: () => Buffer | Readable }>();
  const keep = (id: string, entry: typeof ready extends Map<string, infer V> ? V : never) => {
    ready.set(id, entry);
    for (const old of ready.keys()) if (ready.size > KEEP_DOWNLOADS) ready.delete(old);
  };

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

  // A PDF report takes about a second of CPU and the first build of a package more (the report in
  // three formats and every attachment decrypted): off the request path, as jobs the page polls
  // (`GET /api/jobs/:id`), then downloads.
  const jobReply = { 202: out({ job_id: str }), ...errors(400, 401, 403, 404) };
  app.post(
    '/api/firms/:firm/runs/:period/report-jobs',
    {
      config: { access: { action: 'report.read' } },
      schema: {
        tags: ['reports'],
        summary: 'start making the inspection report as a job; its result names the download',
        params: runParams,
        body: obj(
          { format: { type: 'string', enum: [...REPORT_FORMATS] }, lang: { type: 'string', enum: ['zh-TW', 'en'] }, revision: { type: 'integer', minimum: 1 } },
          ['format'],
        ),
        response: jobReply,
      },
    },
    (request, reply) => {
      const actor = actorOf(request);
      const p = request.params as RunParams;
      const b = request.body as { format: (typeof REPORT_FORMATS)[number]; lang?: 'zh-TW' | 'en'; revision?: number };
      const job: JobView = jobs.start(ownerOf(actor), firmOf(request), 'report', async (progress) => {
        progress({ done: 0, total: 1 });
        const r = await inspectionReport(output, actor, { firm: firmOf(request), period: p.period, revision: b.revision, format: b.format, lang: b.lang });
        const name = `inspection-report-${r.data.firm.licence}-${r.data.period}.${b.format}`;
        keep(job.id, { owner: ownerOf(actor), name, contentType: r.contentType, size: r.body.length, open: () => r.body });
        progress({ done: 1, total: 1 });
        return { name, content_type: r.contentType, size: r.body.length, download: `/api/jobs/${job.id}/download` };
      });
      return reply.status(202).send({ job_id: job.id });
    },
  );

  app.post(
    '/api/firms/:firm/runs/:period/package-jobs',
    {
      config: { access: { action: 'report.read' } },
      schema: {
        tags: ['reports'],
        summary: 'start building (or finding) the signed package as a job; its result names the download',
        params: runParams,
        body: obj({ revision: { type: 'integer', minimum: 1 } }, []),
        response: jobReply,
      },
    },
    (request, reply) => {
      const actor = actorOf(request);
      const p = request.params as RunParams;
      const b = (request.body ?? {}) as { revision?: number };
      const job: JobView = jobs.start(ownerOf(actor), firmOf(request), 'package', async (progress) => {
        progress({ done: 0, total: 1 });
        const pkg = await signedPackage(output, actor, { firm: firmOf(request), period: p.period, revision: b.revision });
        keep(job.id, { owner: ownerOf(actor), name: pkg.name, contentType: pkg.contentType, size: pkg.size, open: () => pkg.open() });
        progress({ done: 1, total: 1 });
        return { name: pkg.name, content_type: pkg.contentType, size: pkg.size, download: `/api/jobs/${job.id}/download` };
      });
      return reply.status(202).send({ job_id: job.id });
    },
  );

  app.get(
    '/api/jobs/:id/download',
    {
      config: { access: { signedIn: true } },
      schema: { tags: ['reports'], summary: "a finished report or package job's file (only its owner gets it)", params: obj({ id: str }) },
    },
    (request, reply) => {
      const id = (request.params as { id: string }).id;
      const entry = ready.get(id);
      if (!entry || entry.owner !== ownerOf(actorOf(request))) throw new CoreError('JOB_NOT_FOUND', 'no such job', { id });
      reply.type(entry.contentType).header('content-disposition', attachment(entry.name)).header('content-length', entry.size);
      return reply.send(entry.open());
    },
  );
}

/** How many finished downloads a server keeps (a report is held in memory; a package is its kept file). */
const KEEP_DOWNLOADS = 50;
