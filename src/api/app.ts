import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { isCoreError } from '../core/errors.js';
import { assertCan, assertFreshFactor } from '../core/people/actor.js';
import { FRESH_FACTOR_ACTIONS } from '../core/people/roles.js';
import { CoreError } from '../core/errors.js';
import authPlugin from './auth-plugin.js';
import { apiDocs } from './docs.js';
import { apiErrorBody, coreErrorBody, errorLangOf, httpStatusOf } from './errors.js';
import { domainRoutes } from './routes/index.js';
import type { ApiDeps } from './types.js';

export type { ApiErrorBody } from './errors.js';

/**
 * The HTTP API and the pages, as one Fastify app built from its dependencies (the server entry
 * and the tests both call this). Access is decided once, here, for every route: a route declares
 * the action it needs in `config.access`, and the hook checks the signed-in actor against the
 * role table for the firm in `:firm` — handlers hold no rule of their own.
 */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    // Evidence uploads stream through multipart; JSON bodies stay small.
    bodyLimit: 1024 * 1024,
    trustProxy: false,
  });
  app.decorateRequest('actor', null);
  app.decorateRequest('firmId', null);
  app.decorateRequest('firm', null);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        // Served on 127.0.0.1 over plain HTTP by default: upgrading would break every request.
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cookie);
  await apiDocs(app);

  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access || (!access.public && !access.signedIn && !access.action)) {
      // Fail at start-up, not at the first request: every route says who may call it.
      if (route.url.startsWith('/api/')) throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
    }
  });

  app.addHook('preHandler', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access || access.public) return;
    const actor = await deps.sessions.actorOf(request);
    if (!actor) throw new CoreError('AUTH_REQUIRED', 'sign in first');
    request.actor = actor;
    const firmRef = (request.params as Record<string, string> | undefined)?.firm;
    if (firmRef !== undefined) {
      const firm = await deps.inspections.firm(firmRef).catch((e: unknown) => {
        // A firm the actor may not see answers like one that does not exist: ids are not probed.
        if (isCoreError(e) && e.code === 'FIRM_NOT_FOUND') throw new CoreError('FIRM_NOT_FOUND', 'no such firm', { ref: firmRef });
        throw e;
      });
      request.firmId = firm.id;
      request.firm = firm;
    }
    if (access.action) {
      try {
        assertCan(actor, access.action, request.firmId ?? undefined);
      } catch (e) {
        if (firmRef !== undefined && !actorSeesFirm(actor, request.firmId!)) throw new CoreError('FIRM_NOT_FOUND', 'no such firm', { ref: firmRef });
        throw e;
      }
      if (FRESH_FACTOR_ACTIONS.has(access.action)) assertFreshFactor(actor, deps.clock.now());
    }
  });

  // Every body comes from the error table (src/core/error-table.ts), in the request's language.
  app.setErrorHandler((error: FastifyError | CoreError, request, reply) => {
    const lang = errorLangOf(request.headers['accept-language']);
    if (isCoreError(error)) return reply.status(httpStatusOf(error.code)).send(coreErrorBody(error, lang));
    if (error.validation) return reply.status(400).send(apiErrorBody('REQUEST_INVALID', lang));
    const status = error.statusCode;
    if (status === 429) return reply.status(429).send(apiErrorBody('RATE_LIMITED', lang));
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send({ ...apiErrorBody('REQUEST_INVALID', lang), ...(error.code ? { code: error.code } : {}) });
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.status(500).send(apiErrorBody('UNEXPECTED', lang, { message: lang === 'en' ? 'the server log has the details' : '詳情見伺服器紀錄' }));
  });
  const webRoot = deps.webRoot ?? null;
  if (webRoot) {
    // The built pages (Vite's dist/web). Hashed assets never change; index.html is checked every time.
    await app.register(fastifyStatic, {
      root: webRoot,
      index: ['index.html'],
      setHeaders: (reply, file) => {
        reply.header('cache-control', /[\\/]assets[\\/]/.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    // The pages route in the browser: any other GET outside /api/ gets index.html (SPA fallback).
    if (webRoot && (request.method === 'GET' || request.method === 'HEAD') && !request.url.startsWith('/api/')) {
      return reply.code(200).header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.status(404).send(apiErrorBody('ROUTE_NOT_FOUND', errorLangOf(request.headers['accept-language'])));
  });

  // Sign-in, people, and CSRF on every changing route: after the error handler (routes take the
  // handler in force when they are added) and before every other route (so its hooks cover them).
  await app.register(authPlugin, deps);

  app.get('/api/health', { config: { access: { public: true } } }, () => ({ ok: true }));
  await app.register(domainRoutes, { deps });

  return app;
}

function actorSeesFirm(actor: NonNullable<import('fastify').FastifyRequest['actor']>, firmId: string): boolean {
  return actor.grants.some((g) => g.firmId === null || g.firmId === firmId);
}
