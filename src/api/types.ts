import type { FastifyRequest } from 'fastify';
import type { Actor } from '../core/people/actor.js';
import type { Action } from '../core/people/roles.js';
import type { Clock, InspectionService } from '../services/inspection-service.js';
import type { PeopleService } from '../services/people-service.js';

/**
 * Who is asking: the session port resolves a request to the signed-in account (or null). The
 * sign-in stream implements it with cookies, sessions and second factors; route tests may pass
 * their own. Routes never read cookies themselves.
 */
export interface SessionPort {
  actorOf(request: FastifyRequest): Promise<Actor | null>;
}

/** Everything the app needs, passed in: `buildApp(deps)` opens nothing itself. */
export interface ApiDeps {
  readonly inspections: InspectionService;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly sessions: SessionPort;
  /** People and sign-in (accounts, second factors, sessions); absent in route tests that bring their own SessionPort. */
  readonly people?: PeopleService;
  /** The built pages (Vite output), served at `/`; null serves the API alone. */
  readonly webRoot?: string | null;
  /** pino options, or false for none (tests). */
  readonly logger?: boolean | Record<string, unknown>;
}

/**
 * What a route declares in its `config`: the action of the role table it needs (checked for the
 * firm in `:firm`, when the route has one), or `public` for the few routes that need no session
 * (sign-in, first-run setup, health). A route with neither is refused at start-up.
 */
export interface RouteAccess {
  readonly action?: Action;
  readonly public?: true;
  /** Only signed in, no particular action (the session itself, one's own second factors). */
  readonly signedIn?: true;
  /**
   * A live session at any stage, one still waiting for its second factor's enrolment too (TOTP
   * enrolment): signed out answers 401 before the CSRF token and the body; the service checks the stage.
   */
  readonly anySession?: true;
  /** The action only with a grant on every firm (the whole audit trail spans them all). */
  readonly allFirms?: true;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The signed-in actor; set before any handler of a non-public route runs. */
    actor: Actor | null;
    /** The firm in `:firm`, resolved to its id, when the route has one. */
    firmId: string | null;
    /** That firm's row as the access hook read it: handlers take it instead of resolving `:firm` again. */
    firm: Awaited<ReturnType<InspectionService['firm']>> | null;
  }
}
