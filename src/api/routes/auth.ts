import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { FastifyInstance } from 'fastify';
import { CoreError } from '../../core/errors.js';
import type { PeopleService } from '../../services/people-service.js';
import { presentGrant, presentStep } from '../presenters.js';
import { clearSessionCookie, originOf, relyingPartyOf, sessionToken, setSessionCookie } from '../session-port.js';

/** @fastify/rate-limit's per-route setting for the sign-in routes (requests per address per window). */
export type SignInRateLimit = { readonly max: number; readonly timeWindow: string };

const codeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['code'],
  properties: { code: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;
// A WebAuthn response is the browser's JSON as @simplewebauthn/browser returns it; the library checks its shape.
const webauthnResponse = { type: 'object', additionalProperties: true, required: ['id', 'response', 'type'] } as const;

/**
 * Sign-in (password → second factor → session), the session itself, sign-out and re-authentication.
 * The sign-in steps are public and throttled; the session cookie changes with every step up.
 */
export function registerAuthRoutes(app: FastifyInstance, people: PeopleService | null, rateLimit: SignInRateLimit): void {
  // The session works with any SessionPort (a test port too): the CSRF token always comes from here.
  app.get(
    '/api/auth/session',
    { config: { access: { signedIn: true } }, schema: { summary: 'the signed-in session: account, grants, CSRF token and expiry' } },
    async (request, reply) => {
      const actor = request.actor!;
      const view = people ? await people.session(sessionToken(request)) : null;
      return reply.send({
        account: view
          ? { id: view.account.id, username: view.account.username, display_name: view.account.displayName, grants: view.account.grants.map(presentGrant) }
          : { id: actor.id, username: actor.id, display_name: actor.name, grants: actor.grants.map(presentGrant) },
        method: actor.method,
        csrf_token: reply.generateCsrf(),
        idle_expires_at: view?.idleExpiresAt ?? null,
        expires_at: view?.expiresAt ?? null,
        factor_at: actor.factorAt,
      });
    },
  );

  if (!people) return;

  app.post<{ Body: { username: string; password: string } }>(
    '/api/auth/login',
    {
      config: { access: { public: true }, rateLimit },
      schema: {
        summary: 'sign in with a password (then a second factor)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'password'],
          properties: { username: { type: 'string', minLength: 1, maxLength: 200 }, password: { type: 'string', minLength: 1, maxLength: 1024 } },
        },
      },
    },
    async (request, reply) => {
      const step = await people.login(request.body.username, request.body.password, originOf(request));
      setSessionCookie(request, reply, step.token);
      return reply.send(presentStep(step, reply.generateCsrf()));
    },
  );

  app.post<{ Body: { code: string } }>(
    '/api/auth/totp',
    { config: { access: { public: true }, rateLimit }, schema: { summary: 'second factor: a TOTP code', body: codeBody } },
    async (request, reply) => {
      const step = await people.signInWithTotp(sessionToken(request), request.body.code, originOf(request));
      setSessionCookie(request, reply, step.token);
      return reply.send(presentStep(step, reply.generateCsrf()));
    },
  );

  app.post<{ Body: { code: string } }>(
    '/api/auth/recovery',
    { config: { access: { public: true }, rateLimit }, schema: { summary: 'second factor: a single-use recovery code', body: codeBody } },
    async (request, reply) => {
      const step = await people.signInWithRecoveryCode(sessionToken(request), request.body.code, originOf(request));
      setSessionCookie(request, reply, step.token);
      return reply.send(presentStep(step, reply.generateCsrf()));
    },
  );

  app.post(
    '/api/auth/webauthn/options',
    { config: { access: { public: true }, rateLimit }, schema: { summary: 'passkey challenge for sign-in or re-authentication' } },
    async (request) => people.webauthnSignInOptions(sessionToken(request), relyingPartyOf(request)),
  );

  app.post<{ Body: { response: AuthenticationResponseJSON } }>(
    '/api/auth/webauthn/verify',
    {
      config: { access: { public: true }, rateLimit },
      schema: {
        summary: 'second factor: a passkey assertion',
        body: { type: 'object', additionalProperties: false, required: ['response'], properties: { response: webauthnResponse } },
      },
    },
    async (request, reply) => {
      const step = await people.signInWithPasskey(sessionToken(request), request.body.response, relyingPartyOf(request), originOf(request));
      setSessionCookie(request, reply, step.token);
      return reply.send(presentStep(step, reply.generateCsrf()));
    },
  );

  app.post(
    '/api/auth/logout',
    // Public: signed out it answers 204 too (the CSRF hook asks a token only of a live session).
    { config: { access: { public: true } }, schema: { summary: 'sign out (the session ends on the server); without a session, 204 all the same' } },
    async (request, reply) => {
      await people.logout(sessionToken(request));
      clearSessionCookie(request, reply);
      return reply.status(204).send();
    },
  );

  app.post<{ Body: { code?: string; response?: AuthenticationResponseJSON } }>(
    '/api/auth/reauth',
    {
      config: { access: { signedIn: true }, rateLimit },
      schema: {
        summary: 'confirm a second factor again (fresh for approve, sign-off, people changes)',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { code: { type: 'string', minLength: 1, maxLength: 64 }, response: webauthnResponse },
        },
      },
    },
    async (request, reply) => {
      const { code, response } = request.body;
      if (!code && !response) throw new CoreError('AUTH_FACTOR_INVALID', 'give a TOTP code or a passkey response', {});
      const r = await people.reauthenticate(sessionToken(request), { code, response }, relyingPartyOf(request), originOf(request));
      // The session id changes with the step up (no fixation); the CSRF secret stays, so the page's token still works.
      setSessionCookie(request, reply, r.token);
      return reply.send({ factor_at: r.factorAt });
    },
  );
}
