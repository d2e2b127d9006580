import { CoreError } from '../../core/errors.js';
import { assertCan, type Actor } from '../../core/people/actor.js';
import { firmsAllowed, type Action } from '../../core/people/roles.js';
import type { BackupManifest, RestoreOutcome } from '../../storage/backup.js';
import { auditEvents, type AuditEventView } from '../audit-view-service.js';
import type { OutputDeps } from './deps.js';

/**
 * The whole audit chain and the whole store cover every firm: only an actor whose grant for the
 * action spans all of them may verify the chain, read it unfiltered, back the store up or restore it.
 */
function assertAllFirms(actor: Actor, action: Action): void {
  assertCan(actor, action);
  if (firmsAllowed(actor.grants, action) !== 'all') throw new CoreError('FORBIDDEN', `your grants do not cover every firm, as ${action} needs`, { action });
}

/** Verifies the chain (links, every row, MACs, witnessed heads) in one read snapshot, so a concurrent write never looks like tampering. */
export function verifyAudit(deps: OutputDeps, actor: Actor): ReturnType<OutputDeps['inspections']['verifyAudit']> {
  assertAllFirms(actor, 'audit.verify');
  return deps.inspections.verifyAudit();
}

/**
 * Audit events after `after`, oldest first, at most `limit`: of one firm (audit.read on it), or of
 * every firm (audit.read on all of them).
 */
export function listAuditEvents(deps: OutputDeps, actor: Actor, query: { firmId?: string; after?: number; limit: number }): Promise<AuditEventView[]> {
  if (query.firmId === undefined) assertAllFirms(actor, 'audit.read');
  else assertCan(actor, 'audit.read', query.firmId);
  return auditEvents(deps.inspections, query);
}

/** Backs the whole store up (every firm's evidence): store.backup, the administrator's. */
export function backupStore(deps: OutputDeps, actor: Actor, dir: string, options: { withSigningKey?: boolean } = {}): Promise<BackupManifest> {
  assertAllFirms(actor, 'store.backup');
  return deps.inspections.backup(dir, options);
}

/** Restores a backup into an empty store: store.restore, the administrator's. */
export function restoreStore(deps: OutputDeps, actor: Actor, dir: string): Promise<RestoreOutcome> {
  assertAllFirms(actor, 'store.restore');
  return deps.inspections.restore(dir);
}
