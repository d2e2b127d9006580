import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { ApiDeps } from './types.js';

/** What the server needs: the app's dependencies (the server picks the logger) and where to listen. */
export interface ServeOptions extends Omit<ApiDeps, 'logger' | 'webRoot'> {
  readonly host: string;
  readonly port: number;
  readonly webRoot: string | null;
}

/** The server entry: builds the app and listens. `ccheck serve` calls it; tests use buildApp with inject(). */
export async function startServer(options: ServeOptions): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp({ ...options, logger: { level: options.env.CCHECK_LOG_LEVEL ?? 'info' } });
  const url = await app.listen({ host: options.host, port: options.port });
  return { app, url };
}
