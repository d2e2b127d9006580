import { CoreError } from '../../core/errors.js';
import { actorLabel, assertCan, type Actor } from '../../core/people/actor.js';
import type { NamedStream } from '../../core/ports/evidence-blobs.js';
import type { Evidence, StoredResult } from '../../core/ports/records.js';
import type { EvidenceDeps, InspectionDeps } from './deps.js';
import { resolveFirm } from './firms.js';
import { recordResult, type ItemRef } from './results.js';
import { assertWritable, resolveRun } from './runs.js';

export interface EvidenceMeta {
  /** When the evidence was produced (ISO date or instant), not when it was uploaded. */
  readonly collectedAt: string;
  readonly expiresOn?: string | null;
}

/**
 * Records bytes already in the blob store as the firm's evidence. The same bytes are recorded
 * once per firm and reused across items and periods.
 */
export async function recordEvidence(
  deps: InspectionDeps,
  actor: Actor,
  firmRef: string,
  blob: { sha256: string; size: number; name: string },
  meta: EvidenceMeta,
): Promise<{ evidence: Evidence; reused: boolean }> {
  const firm = await resolveFirm(deps.store.firms, firmRef);
  assertCan(actor, 'evidence.upload', firm.id);
  const label = actorLabel(actor);
  return deps.store.write(label, async (tx) => {
    const [existing] = await tx.evidence.bySha(firm.id, [blob.sha256]);
    if (existing) return { evidence: existing, reused: true };
    const evidence = await tx.evidence.add({
      id: deps.ids.next(),
      firmId: firm.id,
      sha256: blob.sha256,
      size: blob.size,
      name: blob.name,
      collectedAt: meta.collectedAt,
      uploadedAt: deps.clock.now(),
      uploadedBy: label,
      expiresOn: meta.expiresOn ?? null,
    });
    return { evidence, reused: false };
  });
}

/**
 * Evidence enters as a named stream — a file on disk and an upload take the same path: the bytes
 * go into the blob store first (encrypted, content-addressed, harmless if recording then fails),
 * then the row is recorded.
 */
export async function addEvidence(deps: EvidenceDeps, actor: Actor, firmRef: string, input: NamedStream, meta: EvidenceMeta) {
  const firm = await resolveFirm(deps.store.firms, firmRef);
  assertCan(actor, 'evidence.upload', firm.id);
  const blob = await deps.blobs.put(input.stream);
  return recordEvidence(deps, actor, firm.id, { ...blob, name: input.name }, meta);
}

/** Attaches recorded evidence to an item's result, keeping its status; a changed result voids its review. */
export async function attachEvidence(deps: InspectionDeps, actor: Actor, ref: ItemRef, sha256: string): Promise<{ result: StoredResult }> {
  const { run } = await resolveRun(deps.store, ref);
  await assertWritable(deps.store, run, 'evidence link');
  const current = await deps.store.results.byPath(run.id, ref.path);
  if (!current) throw new CoreError('RUN_ITEM_NOT_IN_RUN', `item ${ref.path} is not part of this inspection`, { path: ref.path });
  return recordResult(deps, actor, ref, {
    status: current.status,
    justification: current.justification,
    source: current.source,
    expiresOn: current.expiresOn,
    evidence: [...current.evidence, sha256],
  });
}

export async function listEvidence(deps: InspectionDeps, actor: Actor, firmId: string): Promise<Evidence[]> {
  assertCan(actor, 'evidence.read', firmId);
  return deps.store.evidence.list(firmId);
}
