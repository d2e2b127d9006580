import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/multipart';
import { parseIsoDate } from '../../core/dates.js';
import { CoreError } from '../../core/errors.js';
import { listAnalyzers } from '../../services/analysis-service.js';
import { analyzeIntoRun, assertAnalyzer } from '../../services/analyze-run-service.js';
import { scratchDir, spoolUpload, stageStoredEvidence } from '../../services/evidence-stream-service.js';
import { describeAnalyzer, analyzerSchema } from '../presenters/analyzer.js';
import { presentJob, jobSchema } from '../presenters/job.js';
import { UnknownFieldError } from '../errors.js';
import { arr, errors, obj, out, runParams, str } from '../schemas.js';
import { actorOf, firmOf, type RouteContext } from './context.js';

/** Options arrive as JSON strings or numbers; analyzers parse them with their own schema. */
function optionsOf(value: unknown): Record<string, string> {
  if (value === undefined || value === null || value === '') return {};
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new CoreError('ANALYZER_OPTION_INVALID', 'options must be an object of option names and values', { option: 'options' });
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}

// The fields each form of the request takes (no body schema: see the route); any other is refused by name.
const MULTIPART_FIELDS = new Set(['analyzer', 'options', 'collected_at']);
const JSON_FIELDS = new Set(['analyzer', 'evidence', 'options']);

/** The owner of a job: the same person, by account (or the local operator's name). */
const ownerOf = (a: { kind: string; id: string }) => `${a.kind}:${a.id}`;

export function analysisRoutes(app: FastifyInstance, { deps, jobs, uploadMaxBytes }: RouteContext): void {
  const s = deps.inspections;

  app.get(
    '/api/analyzers',
    {
      config: { access: { action: 'catalog.read' } },
      schema: {
        tags: ['analysis'],
        summary: 'the automated checks, their items, inputs and options',
        response: { 200: out({ analyzers: arr(analyzerSchema) }), ...errors(401, 403) },
      },
    },
    () => ({ analyzers: listAnalyzers().map(describeAnalyzer) }),
  );

  app.post(
    '/api/firms/:firm/runs/:period/analyze',
    {
      config: { access: { action: 'analysis.run' } },
      schema: {
        tags: ['analysis'],
        summary: 'run an analyzer on uploaded files (multipart: analyzer, collected_at, options, then file parts) or on stored evidence (JSON) as a job',
        params: runParams,
        // No body schema: a multipart body is streamed part by part; the JSON form is
        // {analyzer, evidence: [sha256], options?} and is checked by the handler's use cases.
        consumes: ['application/json', 'multipart/form-data'],
        response: { 202: out({ job_id: str }), ...errors(400, 401, 403, 404, 409, 413) },
      },
    },
    async (request, reply) => {
      const { period } = request.params as { period: string };
      const firmId = firmOf(request);
      const actor = actorOf(request);
      const ref = { firm: firmId, period };
      await s.run(firmId, period); // RUN_NOT_FOUND now, not in the job
      const scratch = scratchDir();
      try {
        let analyzer: string;
        let options: Record<string, string>;
        let collectedAt = s.clock.today();
        let stage: () => Promise<{ file: string; name: string }[]>;
        if (request.isMultipart()) {
          const fields: Record<string, string> = {};
          const files: { file: string; name: string }[] = [];
          for await (const part of request.parts()) {
            if (part.type === 'field') fields[part.fieldname] = String(part.value);
            else files.push({ file: await spoolUpload(part.file, scratch.dir, part.filename, uploadMaxBytes), name: part.filename });
          }
          const unknown = Object.keys(fields).find((k) => !MULTIPART_FIELDS.has(k));
          if (unknown) throw new UnknownFieldError(unknown);
          analyzer = fields.analyzer ?? '';
          options = optionsOf(fields.options);
          if (fields.collected_at) collectedAt = parseIsoDate(fields.collected_at);
          if (!files.length) throw new CoreError('INPUT_FILE_NOT_FOUND', `${analyzer}: give at least one evidence file`, {});
          stage = () => Promise.resolve(files);
        } else {
          const body = (request.body ?? {}) as { analyzer?: string; evidence?: string[]; options?: unknown };
          const unknown = Object.keys(body).find((k) => !JSON_FIELDS.has(k));
          if (unknown) throw new UnknownFieldError(unknown);
          analyzer = body.analyzer ?? '';
          options = optionsOf(body.options);
          const shas = Array.isArray(body.evidence) ? body.evidence.map(String) : [];
          if (!shas.length) throw new CoreError('INPUT_FILE_NOT_FOUND', `${analyzer}: name at least one stored evidence file`, {});
          // Decrypting gigabytes is part of the long work: it happens in the job.
          stage = () => stageStoredEvidence(s, firmId, shas, scratch.dir);
        }
        assertAnalyzer(analyzer);
        const job = jobs.start(ownerOf(actorOf(request)), firmId, 'analyze', async (progress) => {
          try {
            return await analyzeIntoRun(s, actor, ref, { analyzer, files: await stage(), options, collectedAt }, progress);
          } finally {
            scratch.remove();
          }
        });
        return reply.status(202).send({ job_id: job.id });
      } catch (e) {
        scratch.remove();
        throw e;
      }
    },
  );

  app.get(
    '/api/jobs/:id',
    {
      config: { access: { signedIn: true } },
      schema: {
        tags: ['analysis'],
        summary: "a job's state and progress (only its owner sees it)",
        params: obj({ id: str }),
        response: { 200: jobSchema, ...errors(401, 404) },
      },
    },
    (request) => {
      const job = jobs.get((request.params as { id: string }).id, ownerOf(actorOf(request)));
      if (!job) throw new CoreError('JOB_NOT_FOUND', 'no such job', { id: (request.params as { id: string }).id });
      return presentJob(job);
    },
  );
}
