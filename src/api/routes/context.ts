import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../core/people/actor.js';
import type { JobQueue } from '../../services/job-service.js';
import type { ApiDeps } from '../types.js';

/** What every route file gets: the app's dependencies and the job queue of this process. */
export interface RouteContext {
  readonly deps: ApiDeps;
  readonly jobs: JobQueue;
  readonly uploadMaxBytes: number;
}

/** The signed-in actor (the access hook has set it on every non-public route). */
export function actorOf(request: FastifyRequest): Actor {
  return request.actor!;
}

/** The firm in `:firm`, resolved by the access hook to its id. */
export function firmOf(request: FastifyRequest): string {
  return request.firmId!;
}

/** `attachment; filename*=UTF-8''…`: a file's own name, any script, no header injection. */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
