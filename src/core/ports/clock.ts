import type { IsoDate } from '../dates.js';

/** The clock, behind a port: the core never reads time itself; the shells pass one in. */
export interface Clock {
  /** An instant, ISO 8601 UTC. */
  now(): string;
  /** The calendar day in Taipei, which decides expiry and due dates. */
  today(): IsoDate;
}

/** Where new record ids come from (random UUIDs in production; a counter in unit tests). */
export interface IdSource {
  next(): string;
}
