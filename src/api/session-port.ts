import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PeopleService, RelyingParty, RequestOrigin } from '../services/people-service.js';
import type { SessionPort } from './types.js';

/** The session cookie (contract): HttpOnly, SameSite=Strict, Secure when served over https. */
export const SESSION_COOKIE = 'ccheck_session';

/** The SessionPort of the real app: the `ccheck_session` cookie → a live, signed-in session → its Actor. */
export function cookieSessionPort(people: PeopleService): SessionPort {
  return { actorOf: (request) => people.actorOfToken(sessionToken(request)) };
}

export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies?.[SESSION_COOKIE];
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  // No Max-Age: the browser forgets it on close, and the server ends it on idle or absolute timeout anyway.
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https' });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https' });
}

export function originOf(request: FastifyRequest): RequestOrigin {
  return { address: request.ip };
}

/** WebAuthn's relying party from the request: rpID is the host name, the origin scheme://host[:port] (trustProxy is off, so neither comes from a header a proxy set). */
export function relyingPartyOf(request: FastifyRequest): RelyingParty {
  return { rpId: request.hostname, origin: `${request.protocol}://${request.host}` };
}
