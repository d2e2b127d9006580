import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/ports/clock.js';
import type { InspectionRepositories, InspectionStore } from '../../core/ports/repositories.js';
import { AuditedWriter } from '../audited-writer.js';
import { withWriteTransaction, type OpenDatabase } from '../database.js';
import type { Database } from '../schema.js';
import { KyselyAuditChain } from './audit-chain.repository.js';
import { KyselyEvidenceRepository } from './evidence.repository.js';
import { KyselyFindingRepository } from './finding.repository.js';
import { KyselyFirmRepository } from './firm.repository.js';
import { KyselyResultRepository } from './result.repository.js';
import { KyselyReviewRepository } from './review.repository.js';
import { KyselyRunRepository } from './run.repository.js';

function repositoriesOn(db: Kysely<Database>, w: AuditedWriter | null): InspectionRepositories {
  return {
    firms: new KyselyFirmRepository(db, w),
    runs: new KyselyRunRepository(db, w),
    results: new KyselyResultRepository(db, w),
    evidence: new KyselyEvidenceRepository(db, w),
    reviews: new KyselyReviewRepository(db, w),
    findings: new KyselyFindingRepository(db, w),
    audit: new KyselyAuditChain(db),
  };
}

/**
 * The inspection store on Kysely (SQLite or PostgreSQL). One write transaction at a time, in
 * arrival order (withWriteTransaction); inside it every write goes through one AuditedWriter, so
 * a row and its audit event commit together. Reads made while a write runs in this process see
 * its writes (the transaction is carried in AsyncLocalStorage, not passed around).
 */
export class KyselyInspectionStore implements InspectionStore {
  private readonly scope = new AsyncLocalStorage<{ tx: Kysely<Database> }>();

  constructor(
    private readonly open: OpenDatabase,
    private readonly clock: Clock,
    /** The audit key (outside the database) events are MACed with; asked for before each write transaction. */
    private readonly auditKey: () => Promise<Uint8Array | null>,
  ) {}

  /** The connection or, inside a transaction, the transaction. */
  get db(): Kysely<Database> {
    return this.scope.getStore()?.tx ?? this.open.db;
  }

  private get reads(): InspectionRepositories {
    return repositoriesOn(this.db, null);
  }
  get firms() {
    return this.reads.firms;
  }
  get runs() {
    return this.reads.runs;
  }
  get results() {
    return this.reads.results;
  }
  get evidence() {
    return this.reads.evidence;
  }
  get reviews() {
    return this.reads.reviews;
  }
  get findings() {
    return this.reads.findings;
  }
  get audit() {
    return this.reads.audit;
  }

  get inTransaction(): boolean {
    return this.scope.getStore() !== undefined;
  }

  /** One write transaction; nested calls join the outer one. */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.scope.getStore()) return fn();
    return withWriteTransaction(this.open, (tx) => this.scope.run({ tx }, fn));
  }

  /** Runs `fn` with an audited writer inside the current (or a new) write transaction. */
  async writeRows<T>(actorLabel: string, fn: (w: AuditedWriter, tx: Kysely<Database>) => Promise<T>): Promise<T> {
    const key = await this.auditKey();
    return this.transaction(() => {
      const s = this.scope.getStore()!;
      // A fresh writer per call, as before: each reads the head inside the transaction, so two
      // writers in one transaction still chain one after the other.
      return fn(new AuditedWriter(s.tx, actorLabel, this.clock.now(), key), s.tx);
    });
  }

  write<T>(actorLabel: string, fn: (tx: InspectionRepositories) => Promise<T>): Promise<T> {
    return this.writeRows(actorLabel, (w, tx) => fn(repositoriesOn(tx, w)));
  }
}
