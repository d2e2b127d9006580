import { randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { localOperator } from '../core/people/actor.js';
import { passwordWeakness } from '../core/people/password-policy.js';
import { ROLES, type Role } from '../core/people/roles.js';
import type { PeopleService } from './people-service.js';

export interface DemoAccount {
  readonly role: Role;
  readonly username: string;
  readonly password: string;
  readonly totpSecret: string;
  readonly otpauthUrl: string;
  /** The code valid when the account was printed: proof the secret is the one in the authenticator. */
  readonly currentCode: string;
}

const NAMES: Readonly<Record<Role, string>> = {
  admin: '示範 系統管理者',
  officer: '示範 資安專員',
  supervisor: '示範 權責主管',
  ciso: '示範 資安長',
  auditor: '示範 內部稽核',
  examiner: '示範 外部查核人員',
};

/** A random password that passes the strength rules (20 characters of base64url: about 120 bits). */
export function randomPassword(): string {
  for (;;) {
    const p = randomBytes(15).toString('base64url');
    if (passwordWeakness(p, 'demo') === null) return p;
  }
}

/**
 * One demo account per role (`demo-officer` …), each with a random password and a confirmed TOTP
 * secret, for `ccheck serve --demo`: the only place ccheck makes credentials itself, and they are
 * printed once. Firm roles are granted for the demo firm; the administrator for every firm.
 * Accounts that exist already (a second `serve --demo` on the same folder) are left alone.
 */
export async function createDemoAccounts(people: PeopleService, firmId: string): Promise<{ created: DemoAccount[]; existing: string[] }> {
  const local = localOperator('ccheck serve --demo');
  const created: DemoAccount[] = [];
  const existing: string[] = [];
  for (const role of ROLES) {
    const username = `demo-${role}`;
    const taken = await people.findAccount(username).then(
      () => true,
      () => false,
    );
    if (taken) {
      existing.push(username);
      continue;
    }
    const password = randomPassword();
    const r = await people.createWithTotp(local, {
      username,
      displayName: NAMES[role],
      password,
      grants: [{ role, firmId: role === 'admin' ? null : firmId }],
    });
    const currentCode = OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(r.totpSecret), timestamp: Date.parse(people.inspections.clock.now()) });
    created.push({ role, username, password, totpSecret: r.totpSecret, otpauthUrl: r.otpauthUrl, currentCode });
  }
  return { created, existing };
}
