import { canonicalJson } from '../../core/catalog/catalog-version.js';
import { CoreError } from '../../core/errors.js';
import { actorLabel, assertCan, type Actor } from '../../core/people/actor.js';
import { firmsAllowed } from '../../core/people/roles.js';
import type { Firm } from '../../core/ports/records.js';
import type { FirmRepository } from '../../core/ports/repositories.js';
import type { FirmProfile } from '../../core/profile/firm-profile.js';
import type { InspectionDeps } from './deps.js';

/** A firm by id, licence number or exact name (no access check: callers check the action they serve). */
export async function resolveFirm(firms: FirmRepository, ref: string): Promise<Firm> {
  const f = await firms.matching(ref);
  if (f.length !== 1)
    throw new CoreError('FIRM_NOT_FOUND', f.length ? `"${ref}" names ${f.length} firms; use the licence number` : `no firm "${ref}"`, { ref });
  return f[0]!;
}

export async function getFirm(deps: InspectionDeps, actor: Actor, ref: string): Promise<Firm> {
  const firm = await resolveFirm(deps.store.firms, ref);
  assertCan(actor, 'firm.read', firm.id);
  return firm;
}

/** The firms the actor may read. */
export async function listFirms(deps: InspectionDeps, actor: Actor): Promise<Firm[]> {
  assertCan(actor, 'firm.read');
  const allowed = firmsAllowed(actor.grants, 'firm.read');
  const firms = await deps.store.firms.list();
  return allowed === 'all' ? firms : firms.filter((f) => allowed.includes(f.id));
}

export async function addFirm(deps: InspectionDeps, actor: Actor, profile: FirmProfile): Promise<Firm> {
  assertCan(actor, 'firm.create');
  return deps.store.write(actorLabel(actor), async (tx) => {
    if (await tx.firms.byLicence(profile.firm.licence))
      throw new CoreError('FIRM_EXISTS', `a firm with licence ${profile.firm.licence} already exists`, { licence: profile.firm.licence });
    return tx.firms.add({ id: deps.ids.next(), name: profile.firm.name, licence: profile.firm.licence, profile, createdAt: deps.clock.now() });
  });
}

/**
 * Replaces a firm's profile (audited, with the old one in the event). Runs already started keep
 * the applicability frozen into them; the new profile decides from the next run on.
 */
export async function updateFirmProfile(deps: InspectionDeps, actor: Actor, profile: FirmProfile): Promise<{ firm: Firm; changed: boolean }> {
  const firm = await resolveFirm(deps.store.firms, profile.firm.licence);
  assertCan(actor, 'firm.edit', firm.id);
  if (canonicalJson(firm.profile) === canonicalJson(profile)) return { firm, changed: false };
  return deps.store.write(actorLabel(actor), async (tx) => ({
    firm: await tx.firms.updateProfile({ ...firm, name: profile.firm.name, profile }),
    changed: true,
  }));
}
