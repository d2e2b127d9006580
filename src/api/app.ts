import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { isCoreError } from '../core/errors.js';
import { assertCan, assertFreshFactor } from '../core/people/actor.js';
import { FRESH_FACTOR_ACTIONS, firmsAllowed } from '../core/people/roles.js';
import { CoreError } from '../core/errors.js';
import authPlugin from './auth-plugin.js';
import { apiDocs } from './docs.js';
import { apiErrorBody, coreErrorBody, errorLangOf, httpStatusOf, UnknownFieldError, unknownFieldBody } from './errors.js';
import { domainRoutes } from './routes/index.js';
import { unknownFieldOf } from './schemas.js';
import { sessionToken } from './session-port.js';
import type { ApiDeps } from './types.js';

export type { ApiErrorBody } from './errors.js';

/** Evidence uploads stream through multipart (their own cap); JSON bodies stay small. */
const JSON_BODY_LIMIT_BYTES = 1024 * 1024;
const JSON_BODY_LIMIT = { what: 'JSON request body', what_zh: 'JSON 請求內容', limit: '1 MiB' };

/**
 * The HTTP API and the pages, as one Fastify app built from its dependencies (the server entry
 * and the tests both call this). Access is decided once, here, for every route: a route declares
 * the action it needs in `config.access`, and the hook checks the signed-in actor against the
 * role table for the firm in `:firm` — handlers hold no rule of their own.
 */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: JSON_BODY_LIMIT_BYTES,
    trustProxy: false,
    // Fastify's ajv removes fields a schema does not list; the preValidation hook refuses them by
    // name, and ajv keeps any it would miss so that they fail rather than vanish.
    ajv: { customOptions: { removeAdditional: false } },
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
  const served: string[] = [];
  servedRoutes.set(app, served);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/')) for (const m of [route.method].flat()) if (m !== 'HEAD') served.push(`${m} ${route.url}`);
    const access = route.config?.access;
    if (!access || (!access.public && !access.signedIn && !access.anySession && !access.action)) {
      // Fail at start-up, not at the first request: every route says who may call it.
      if (route.url.startsWith('/api/')) throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
    }
  });

  await apiDocs(app);

  // onRequest, before the body is read or judged: without a session nothing about a route's body
  // is learnt (401 before 400), and without the right neither is its schema (403/404 before 400).
  // Params are known here (the router matched them), so `:firm` is resolved as before.
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access || access.public) return;
    if (access.anySession) {
      if (!(await deps.people?.hasLiveSession(sessionToken(request)))) throw new CoreError('AUTH_REQUIRED', 'sign in first');
      return;
    }
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
      if (access.allFirms && firmsAllowed(actor.grants, access.action) !== 'all')
        throw new CoreError('FORBIDDEN', `${access.action} needs a grant on every firm`, { action: access.action });
      if (FRESH_FACTOR_ACTIONS.has(access.action)) assertFreshFactor(actor, deps.clock.now());
    }
  });

  // A body judged after the access check: a query parameter or body field the route does not name
  // is refused by name (a misspelt `firm` must not widen what is answered, a misspelt
  // `justifcation` must not vanish), not silently dropped. Before ajv, so a misspelt required
  // field is named as the unknown one it is rather than reported missing.
  app.addHook('preValidation', async (request, reply) => {
    const schema = request.routeOptions.schema;
    const known = (schema?.querystring as { properties?: Record<string, unknown> } | undefined)?.properties;
    const unknownQuery = known ? Object.keys(request.query as Record<string, unknown>).find((k) => !Object.hasOwn(known, k)) : undefined;
    const field = unknownQuery ?? (schema?.body ? unknownFieldOf(schema.body, request.body) : null);
    if (field) return reply.status(400).send(unknownFieldBody(field, errorLangOf(request.headers['accept-language'])));
  });

  // API answers carry firm data and session state: no browser or proxy keeps a copy.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  // Every body comes from the error table (src/core/error-table.ts), in the request's language.
  app.setErrorHandler((error: FastifyError | CoreError, request, reply) => {
    const lang = errorLangOf(request.headers['accept-language']);
    if (isCoreError(error)) return reply.status(httpStatusOf(error.code)).send(coreErrorBody(error, lang));
    if (error instanceof UnknownFieldError) return reply.status(400).send(unknownFieldBody(error.field, lang));
    if (error.validation) return reply.status(400).send(apiErrorBody('REQUEST_INVALID', lang));
    const status = error.statusCode;
    if (status === 429) return reply.status(429).send(apiErrorBody('RATE_LIMITED', lang));
    // A JSON body over the limit: the table's own code, not Fastify's (whose codes are no contract).
    if (status === 413) return reply.status(413).send(apiErrorBody('INPUT_TOO_LARGE', lang, JSON_BODY_LIMIT));
    if (status && status >= 400 && status < 500) return reply.status(status).send(apiErrorBody('REQUEST_INVALID', lang));
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

const servedRoutes = new WeakMap<FastifyInstance, readonly string[]>();

/** Every API route the app serves, as `METHOD /api/path/:param` (the access table checks it lists them all). */
export function apiRoutesOf(app: FastifyInstance): readonly string[] {
  return servedRoutes.get(app) ?? [];
}

function actorSeesFirm(actor: NonNullable<import('fastify').FastifyRequest['actor']>, firmId: string): boolean {
  return actor.grants.some((g) => g.firmId === null || g.firmId === firmId);
}
