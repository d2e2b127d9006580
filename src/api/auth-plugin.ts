import csrf from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CoreError } from '../core/errors.js';
import { registerAuthRoutes, type SignInRateLimit } from './routes/auth.js';
import { registerPeopleRoutes } from './routes/people.js';
import { registerSetupRoutes } from './routes/setup.js';
import { sessionToken } from './session-port.js';
import type { ApiDeps } from './types.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const LOGOUT = '/api/auth/logout';

/**
 * Steps before a signed-in session exists need no CSRF token: they act on no session a forged
 * request could ride (the pending one is SameSite=Strict and worth nothing without the password
 * or the code in the body), and a JSON body cannot come from a cross-site form. Everything else
 * that changes something, on every route of the app, needs the token.
 */
const CSRF_EXEMPT = new Set([
  '/api/setup/admin',
  '/api/auth/login',
  '/api/auth/totp',
  '/api/auth/recovery',
  '/api/auth/webauthn/options',
  '/api/auth/webauthn/verify',
]);

/**
 * People and sign-in as one plugin: CSRF protection for every changing route (registered before
 * the other routes, so its hook covers them), rate limits on the sign-in routes, and the routes
 * of setup, auth, people and me. Without a PeopleService (route tests with their own
 * SessionPort) only the session and CSRF parts are there.
 */
async function authPlugin(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'ccheck_csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: 'auto' },
    getToken: (request) => {
      const h = request.headers['x-csrf-token'];
      return Array.isArray(h) ? h[0] : h;
    },
  });
  await app.register(rateLimit, { global: false });

  app.addHook('onRequest', async (request, reply) => {
    if (!MUTATING.has(request.method) || !request.url.startsWith('/api/')) return;
    const url = request.routeOptions.url ?? '';
    if (CSRF_EXEMPT.has(url)) return;
    // Sign-out without a live session has nothing to end and no session a forged request could
    // ride: it answers 204 like any sign-out (idempotent), so no token is asked for.
    if (url === LOGOUT && deps.people && !(await deps.people.hasLiveSession(sessionToken(request)))) return;
    await checkCsrf(app, request, reply);
  });

  const limit: SignInRateLimit = { max: Number(deps.env.CCHECK_SIGNIN_RATE_LIMIT) || 30, timeWindow: '1 minute' };
  registerAuthRoutes(app, deps.people ?? null, limit);
  if (deps.people) {
    registerSetupRoutes(app, deps.people, limit);
    registerPeopleRoutes(app, deps.people);
  }
}

/** @fastify/csrf-protection's check, with its refusal turned into the app's own error (CSRF_INVALID). */
function checkCsrf(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  return new Promise((resolve, reject) => {
    const refuse = () =>
      reject(new CoreError('CSRF_INVALID', 'the request lacks a valid CSRF token: send the one the session gives in the x-csrf-token header', {}));
    // The plugin answers a refusal through reply.send(error); here it becomes a rejection instead.
    const proxy = new Proxy(reply, { get: (target, prop) => (prop === 'send' ? refuse : (Reflect.get(target, prop) as unknown)) });
    app.csrfProtection(request, proxy, () => resolve());
  });
}

export default fp(authPlugin, { name: 'ccheck-auth', fastify: '5.x' });
