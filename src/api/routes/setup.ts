import type { FastifyInstance } from 'fastify';
import type { PeopleService } from '../../services/people-service.js';
import { presentAccount } from '../presenters.js';
import { originOf } from '../session-port.js';
import type { SignInRateLimit } from './auth.js';

/** First run: is an administrator needed, and create the first one with the one-time token `ccheck serve` printed. */
export function registerSetupRoutes(app: FastifyInstance, people: PeopleService, rateLimit: SignInRateLimit): void {
  app.get(
    '/api/setup',
    {
      config: { access: { public: true } },
      schema: { response: { 200: { type: 'object', properties: { needs_admin: { type: 'boolean' } }, required: ['needs_admin'] } } },
    },
    async () => ({ needs_admin: await people.needsAdmin() }),
  );

  app.post<{ Body: { setup_token: string; username: string; display_name: string; password: string } }>(
    '/api/setup/admin',
    {
      config: { access: { public: true }, rateLimit },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['setup_token', 'username', 'display_name', 'password'],
          properties: {
            setup_token: { type: 'string', minLength: 1, maxLength: 200 },
            username: { type: 'string', minLength: 1, maxLength: 64 },
            display_name: { type: 'string', minLength: 1, maxLength: 100 },
            password: { type: 'string', minLength: 1, maxLength: 1024 },
          },
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const account = await people.createFirstAdmin(
        { username: b.username, displayName: b.display_name, password: b.password },
        { setupToken: b.setup_token },
        originOf(request),
      );
      return reply.status(201).send({ account: presentAccount(account) });
    },
  );
}
