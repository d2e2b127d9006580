import { CoreError } from '../errors.js';

/**
 * The people of an inspection and what each may do. Least privilege (the mechanism asks it of the
 * firm's own systems, 7/(2)/b and 8/(2)/f–h; ccheck practises it): every role gets only the actions
 * its part of the process needs, and every role but the administrator only for the firms granted.
 *
 * - admin: people, firms, settings — but records, approves and signs nothing (separation of duties);
 * - officer (承辦人員): records results, uploads evidence, runs analyzers, starts and revises runs;
 * - supervisor (覆核主管): approves or rejects results — never one they recorded (maker-checker);
 * - ciso (資訊安全長): signs an inspection off once every applicable item is approved;
 * - auditor (內部稽核): reads everything of the firms granted, changes nothing;
 * - examiner (查核人員, an exchange or a group's head office): reads across the firms granted.
 */
export const ROLES = ['admin', 'officer', 'supervisor', 'ciso', 'auditor', 'examiner'] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = [
  'firm.read',
  'firm.create',
  'firm.edit',
  'run.start',
  'run.revise',
  'run.signoff',
  'result.record',
  'result.approve',
  'result.reject',
  'evidence.upload',
  'evidence.read',
  'analysis.run',
  'finding.update',
  'report.read',
  'audit.read',
  'audit.verify',
  'people.read',
  'people.manage',
  'catalog.read',
  // Backups hold every firm's evidence, and a restore replaces the whole store: the administrator's alone.
  'store.backup',
  'store.restore',
] as const;
export type Action = (typeof ACTIONS)[number];

const READ: readonly Action[] = ['firm.read', 'evidence.read', 'report.read', 'catalog.read'];

/** The table every route and use case is checked against; a test walks every cell. */
export const ROLE_ACTIONS: Readonly<Record<Role, readonly Action[]>> = {
  admin: [
    'firm.read',
    'firm.create',
    'firm.edit',
    'catalog.read',
    'audit.read',
    'audit.verify',
    'people.read',
    'people.manage',
    'store.backup',
    'store.restore',
  ],
  officer: [...READ, 'run.start', 'run.revise', 'result.record', 'evidence.upload', 'analysis.run', 'finding.update'],
  supervisor: [...READ, 'result.approve', 'result.reject', 'finding.update', 'audit.read'],
  ciso: [...READ, 'run.signoff', 'run.revise', 'audit.read', 'audit.verify'],
  auditor: [...READ, 'audit.read', 'audit.verify'],
  examiner: [...READ, 'audit.read', 'audit.verify'],
};

/** Actions that change nothing: the only ones a read-only role may ever hold. */
export const READ_ONLY_ACTIONS: ReadonlySet<Action> = new Set([
  'firm.read',
  'evidence.read',
  'report.read',
  'catalog.read',
  'audit.read',
  'audit.verify',
  'people.read',
]);

/** Actions that need a second factor checked moments ago, not only at sign-in (approve, sign off, change people). */
export const FRESH_FACTOR_ACTIONS: ReadonlySet<Action> = new Set(['result.approve', 'result.reject', 'run.signoff', 'people.manage']);

/** A role held for one firm, or (firmId null) for every firm. */
export interface Grant {
  readonly role: Role;
  readonly firmId: string | null;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function roleMay(role: Role, action: Action): boolean {
  return ROLE_ACTIONS[role].includes(action);
}

/** True when one of the grants allows `action` on `firmId` (or on no firm in particular, when firmId is absent). */
export function grantsAllow(grants: readonly Grant[], action: Action, firmId?: string): boolean {
  return grants.some((g) => roleMay(g.role, action) && (g.firmId === null || firmId === undefined || g.firmId === firmId));
}

/** The firms the grants allow `action` on: 'all', or the ids. */
export function firmsAllowed(grants: readonly Grant[], action: Action): 'all' | string[] {
  const mine = grants.filter((g) => roleMay(g.role, action));
  if (mine.some((g) => g.firmId === null)) return 'all';
  return [...new Set(mine.map((g) => g.firmId!))];
}

export function forbidden(action: Action, firmId?: string): CoreError {
  return new CoreError('FORBIDDEN', `your role does not allow ${action}${firmId ? ' for this firm' : ''}`, { action });
}
