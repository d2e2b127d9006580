import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { closeAnalysisPool } from '../../services/analysis-pool.js';
import { uploadMaxBytes } from '../../services/evidence-stream-service.js';
import { JobQueue } from '../../services/job-service.js';
import type { ApiDeps } from '../types.js';
import { analysisRoutes } from './analysis.js';
import { auditRoutes } from './audit.js';
import { catalogRoutes } from './catalog.js';
import type { RouteContext } from './context.js';
import { dashboardRoutes } from './dashboard.js';
import { evidenceRoutes } from './evidence.js';
import { findingRoutes } from './findings.js';
import { firmRoutes } from './firms.js';
import { packageRoutes } from './packages.js';
import { reportRoutes } from './reports.js';
import { runRoutes } from './runs.js';

/**
 * Every route of the compliance work (firms, plan, dashboard, runs, results, evidence, analysis
 * jobs, reports and packages, findings, catalog, audit), registered with one line in app.ts.
 * Each route declares the action it needs; the access hook in app.ts checks it.
 */
export async function domainRoutes(app: FastifyInstance, opts: { deps: ApiDeps; jobs?: JobQueue }): Promise<void> {
  const max = uploadMaxBytes(opts.deps.env);
  // One byte over the cap reaches our own check, which answers INPUT_TOO_LARGE (busboy would cut silently at the cap).
  await app.register(multipart, { limits: { fileSize: max + 1, files: 20, fields: 20, fieldSize: 64 * 1024, parts: 40 } });
  const ctx: RouteContext = { deps: opts.deps, jobs: opts.jobs ?? new JobQueue(() => opts.deps.clock.now()), uploadMaxBytes: max };
  app.addHook('onClose', async () => {
    await ctx.jobs.idle();
    await closeAnalysisPool();
  });
  for (const routes of [
    firmRoutes,
    dashboardRoutes,
    runRoutes,
    reportRoutes,
    evidenceRoutes,
    analysisRoutes,
    packageRoutes,
    findingRoutes,
    catalogRoutes,
    auditRoutes,
  ])
    routes(app, ctx);
}
