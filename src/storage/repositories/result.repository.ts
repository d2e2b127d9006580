import type { Kysely } from 'kysely';
import type { ResultContent } from '../../core/inspection/item-result.js';
import type { StoredResult } from '../../core/ports/records.js';
import type { InitialResult, ResultRepository } from '../../core/ports/repositories.js';
import type { AuditedWriter } from '../audited-writer.js';
import type { Database, ItemResultsTable } from '../schema.js';
import { resultOf } from './rows.js';
import { writerOf } from './writer-of.js';

export class KyselyResultRepository implements ResultRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly w: AuditedWriter | null,
  ) {}

  private async evidenceOf(resultIds: readonly string[]): Promise<Map<string, string[]>> {
    if (!resultIds.length) return new Map();
    return evidenceByResult(
      await this.db
        .selectFrom('result_evidence')
        .innerJoin('evidence', 'evidence.id', 'result_evidence.evidence_id')
        .select(['result_evidence.result_id', 'evidence.sha256'])
        .where('result_evidence.result_id', 'in', resultIds)
        .execute(),
    );
  }

  private async withEvidence(rows: ItemResultsTable[]): Promise<StoredResult[]> {
    const ev = await this.evidenceOf(rows.map((r) => r.id));
    return rows.map((r) => resultOf(r, ev.get(r.id) ?? []));
  }

  /** Every evidence link of a run in one query (joined through the run), not one query per item. */
  private async evidenceLinksOfRun(runId: string): Promise<Map<string, string[]>> {
    return evidenceByResult(
      await this.db
        .selectFrom('result_evidence')
        .innerJoin('evidence', 'evidence.id', 'result_evidence.evidence_id')
        .innerJoin('item_results', 'item_results.id', 'result_evidence.result_id')
        .select(['result_evidence.result_id', 'evidence.sha256'])
        .where('item_results.run_id', '=', runId)
        .execute(),
    );
  }

  async inRun(runId: string): Promise<StoredResult[]> {
    // The rows and their evidence links at once (both by the run): on PostgreSQL, one round trip fewer in a row.
    const [rows, links] = await Promise.all([
      this.db.selectFrom('item_results').selectAll().where('run_id', '=', runId).execute(),
      this.evidenceLinksOfRun(runId),
    ]);
    return rows.map((r) => resultOf(r, links.get(r.id) ?? []));
  }

  async byPath(runId: string, path: string): Promise<StoredResult | null> {
    const r = await this.db.selectFrom('item_results').selectAll().where('run_id', '=', runId).where('path', '=', path).executeTakeFirst();
    return r ? (await this.withEvidence([r]))[0]! : null;
  }

  async byId(id: string): Promise<StoredResult | null> {
    const r = await this.db.selectFrom('item_results').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? (await this.withEvidence([r]))[0]! : null;
  }

  async add(result: InitialResult): Promise<StoredResult> {
    const c = result.content;
    const row = await writerOf(this.w).insert('item_results', {
      id: result.id,
      run_id: c.runId,
      path: c.path,
      code: result.code,
      status: c.status,
      justification: c.justification,
      source: c.source,
      expires_on: c.expiresOn,
      recorded_by: null,
      recorded_at: null,
      content_hash: result.contentHash,
      revision: 1,
    });
    return resultOf(row, []);
  }

  async copyInto(from: StoredResult, copy: { id: string; runId: string; contentHash: string; recordingId: string; recordedAt: string }): Promise<StoredResult> {
    const w = writerOf(this.w);
    const r = await this.db.selectFrom('item_results').selectAll().where('id', '=', from.id).executeTakeFirstOrThrow();
    const row = await w.insert('item_results', { ...r, id: copy.id, run_id: copy.runId, content_hash: copy.contentHash, revision: 1 });
    const links = await this.db.selectFrom('result_evidence').select('evidence_id').where('result_id', '=', r.id).execute();
    for (const l of links) await w.insert('result_evidence', { result_id: row.id, evidence_id: l.evidence_id });
    if (r.recorded_by)
      await w.insert('result_recordings', {
        id: copy.recordingId,
        result_id: row.id,
        content_hash: row.content_hash,
        recorded_by: r.recorded_by,
        recorded_at: r.recorded_at ?? copy.recordedAt,
        revision: 1,
      });
    return resultOf(row, from.evidence);
  }

  async record(
    current: StoredResult,
    content: ResultContent,
    recording: { id: string; by: string; at: string; contentHash: string },
    evidenceIds: readonly string[],
  ): Promise<StoredResult> {
    const w = writerOf(this.w);
    const linked = await this.db.selectFrom('result_evidence').select('evidence_id').where('result_id', '=', current.id).execute();
    for (const l of linked) if (!evidenceIds.includes(l.evidence_id)) await w.delete('result_evidence', { result_id: current.id, evidence_id: l.evidence_id });
    for (const id of evidenceIds) if (!linked.some((l) => l.evidence_id === id)) await w.insert('result_evidence', { result_id: current.id, evidence_id: id });
    const row = await w.update(
      'item_results',
      current.id,
      {
        status: content.status,
        justification: content.justification,
        source: content.source,
        expires_on: content.expiresOn,
        recorded_by: recording.by,
        recorded_at: recording.at,
        content_hash: recording.contentHash,
        revision: current.revision + 1,
      },
      'result.set',
    );
    await w.insert('result_recordings', {
      id: recording.id,
      result_id: current.id,
      content_hash: row.content_hash,
      recorded_by: recording.by,
      recorded_at: recording.at,
      revision: Number(row.revision),
    });
    return resultOf(row, content.evidence);
  }

  async currentRecordersOfRun(runId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('result_recordings')
      .innerJoin('item_results', 'item_results.id', 'result_recordings.result_id')
      .select(['result_recordings.recorded_by', 'result_recordings.content_hash', 'item_results.content_hash as current'])
      .where('item_results.run_id', '=', runId)
      .execute();
    return rows.filter((r) => r.content_hash === r.current).map((r) => r.recorded_by);
  }

  async recordersOf(resultId: string, contentHash: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('result_recordings')
      .select('recorded_by')
      .where('result_id', '=', resultId)
      .where('content_hash', '=', contentHash)
      .execute();
    return rows.map((r) => r.recorded_by);
  }

  async lastRecordingSeq(resultIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!resultIds.length) return out;
    const events = await this.db
      .selectFrom('audit_events')
      .select(['entity_id', 'seq'])
      .where('entity', '=', 'item_results')
      .where('action', '=', 'result.set')
      .where('entity_id', 'in', resultIds)
      .execute();
    for (const e of events) out.set(e.entity_id, Math.max(out.get(e.entity_id) ?? 0, Number(e.seq)));
    return out;
  }
}

/** Each result's evidence hashes, in the order the links were read. */
function evidenceByResult(links: readonly { result_id: string; sha256: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const l of links) {
    const list = out.get(l.result_id);
    if (list) list.push(l.sha256);
    else out.set(l.result_id, [l.sha256]);
  }
  return out;
}
