import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyInstance } from 'fastify';
import { ROLES } from '../../core/people/roles.js';
import type { PeopleService } from '../../services/people-service.js';
import { presentAccount } from '../presenters.js';
import { originOf, relyingPartyOf, sessionToken, setSessionCookie } from '../session-port.js';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 100 } } } as const;
const passwordField = { type: 'string', minLength: 1, maxLength: 1024 } as const;

/**
 * People (the administrator; every change needs a fresh second factor, which the access hook
 * checks for `people.manage`) and one's own second factors and password.
 */
export function registerPeopleRoutes(app: FastifyInstance, people: PeopleService): void {
  app.get(
    '/api/people',
    { config: { access: { action: 'people.read' } }, schema: { summary: 'list people with their roles and grants' } },
    async (request) => ({
      people: (await people.listPeople(request.actor!)).map(presentAccount),
    }),
  );

  app.post<{ Body: { username: string; display_name: string; password: string } }>(
    '/api/people',
    {
      config: { access: { action: 'people.manage' } },
      schema: {
        summary: 'add a person (administrator; fresh second factor)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'display_name', 'password'],
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 64 },
            display_name: { type: 'string', minLength: 1, maxLength: 100 },
            password: passwordField,
          },
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const account = await people.createPerson(request.actor!, { username: b.username, displayName: b.display_name, password: b.password });
      return reply.status(201).send({ account: presentAccount(account) });
    },
  );

  app.patch<{ Params: { id: string }; Body: { display_name?: string; disabled?: boolean } }>(
    '/api/people/:id',
    {
      config: { access: { action: 'people.manage' } },
      schema: {
        summary: 'change a person’s name or disable the account',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { display_name: { type: 'string', minLength: 1, maxLength: 100 }, disabled: { type: 'boolean' } },
        },
      },
    },
    async (request) => ({
      account: presentAccount(
        await people.updatePerson(request.actor!, request.params.id, { displayName: request.body.display_name, disabled: request.body.disabled }),
      ),
    }),
  );

  app.put<{ Params: { id: string }; Body: { grants: { role: string; firm_id: string | null }[] } }>(
    '/api/people/:id/grants',
    {
      config: { access: { action: 'people.manage' } },
      schema: {
        summary: 'set a person’s roles per firm',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['grants'],
          properties: {
            grants: {
              type: 'array',
              maxItems: 500,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['role', 'firm_id'],
                properties: { role: { type: 'string', enum: [...ROLES] }, firm_id: { type: ['string', 'null'], maxLength: 100 } },
              },
            },
          },
        },
      },
    },
    async (request) => ({
      account: presentAccount(
        await people.setGrants(
          request.actor!,
          request.params.id,
          request.body.grants.map((g) => ({ role: g.role, firm: g.firm_id })),
        ),
      ),
    }),
  );

  app.post<{ Params: { id: string } }>(
    '/api/people/:id/unlock',
    { config: { access: { action: 'people.manage' } }, schema: { summary: 'unlock an account locked after failed sign-ins', params: idParams } },
    async (request) => ({ account: presentAccount(await people.unlock(request.actor!, request.params.id, originOf(request))) }),
  );

  app.post<{ Params: { id: string } }>(
    '/api/people/:id/reset-factors',
    { config: { access: { action: 'people.manage' } }, schema: { summary: 'reset a person’s second factors (they enrol again)', params: idParams } },
    async (request) => ({ account: presentAccount(await people.resetFactors(request.actor!, request.params.id)) }),
  );

  // ── me ──
  // TOTP enrolment also serves a session that is waiting for it (an account without a factor
  // must enrol before anything else): any live session passes the access hook, the service checks its stage.
  app.post(
    '/api/me/totp/enrol',
    { config: { access: { anySession: true } }, schema: { summary: 'start TOTP enrolment: otpauth URL and QR code' } },
    async (request) => {
      const r = await people.enrolTotp(sessionToken(request));
      return { otpauth_url: r.otpauthUrl, qr_svg: r.qrSvg };
    },
  );

  app.post<{ Body: { code: string } }>(
    '/api/me/totp/confirm',
    {
      config: { access: { anySession: true } },
      schema: {
        summary: 'confirm TOTP enrolment with a code; recovery codes shown once',
        body: { type: 'object', additionalProperties: false, required: ['code'], properties: { code: { type: 'string', minLength: 1, maxLength: 64 } } },
      },
    },
    async (request, reply) => {
      const r = await people.confirmTotp(sessionToken(request), request.body.code, originOf(request));
      if (r.token) setSessionCookie(request, reply, r.token);
      return reply.send({ recovery_codes: r.recoveryCodes, ...(r.token ? { stage: 'signed_in' } : {}) });
    },
  );

  app.get('/api/me/passkeys', { config: { access: { signedIn: true } }, schema: { summary: 'list my passkeys' } }, async (request) => ({
    passkeys: (await people.listPasskeys(sessionToken(request))).map((p) => ({ id: p.id, name: p.name, created_at: p.createdAt, last_used_at: p.lastUsedAt })),
  }));

  app.post('/api/me/passkeys/options', { config: { access: { signedIn: true } }, schema: { summary: 'passkey registration options' } }, async (request) =>
    people.passkeyOptions(sessionToken(request), relyingPartyOf(request)),
  );

  app.post<{ Body: { response: RegistrationResponseJSON; name?: string } }>(
    '/api/me/passkeys',
    {
      config: { access: { signedIn: true } },
      schema: {
        summary: 'register a passkey',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['response'],
          properties: {
            response: { type: 'object', additionalProperties: true, required: ['id', 'response', 'type'] },
            name: { type: 'string', maxLength: 64 },
          },
        },
      },
    },
    async (request, reply) => {
      const p = await people.registerPasskey(sessionToken(request), request.body.response, request.body.name ?? '', relyingPartyOf(request));
      return reply.status(201).send({ passkey: p });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/me/passkeys/:id',
    { config: { access: { signedIn: true } }, schema: { summary: 'remove one of my passkeys', params: idParams } },
    async (request, reply) => {
      await people.deletePasskey(sessionToken(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.post<{ Body: { current_password: string; new_password: string } }>(
    '/api/me/password',
    {
      config: { access: { signedIn: true } },
      schema: {
        summary: 'change my password',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['current_password', 'new_password'],
          properties: { current_password: passwordField, new_password: passwordField },
        },
      },
    },
    async (request, reply) => {
      await people.changePassword(sessionToken(request), request.body.current_password, request.body.new_password, originOf(request));
      return reply.status(204).send();
    },
  );
}
