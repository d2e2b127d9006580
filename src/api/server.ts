import type { FastifyInstance } from 'fastify';
import type { Clock, InspectionService } from '../services/inspection-service.js';
import type { PeopleService } from '../services/people-service.js';
import { buildApp } from './app.js';
import type { SessionPort } from './types.js';

export interface ServeOptions {
  readonly inspections: InspectionService;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly sessions: SessionPort;
  readonly people?: PeopleService;
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
