import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';

/**
 * The OpenAPI 3 document, built from every route's schema, served at GET /api/docs/json. Registered
 * before any route, so that it sees them all.
 */
export async function apiDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'ccheck API',
        description: '證券商資通安全檢查機制 — the HTTP API of ccheck. Errors are always {code, message}. See docs/API.md.',
        version: '1',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'ccheck_session' } } },
      security: [{ session: [] }],
    },
  });
  app.get('/api/docs/json', { config: { access: { public: true } }, schema: { hide: true } }, () => app.swagger());
}
