import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../src/core/people/roles.js';
import { createDemoAccounts } from '../../src/services/demo-people.js';
import { InspectionService, systemClock } from '../../src/services/inspection-service.js';
import { PeopleService } from '../../src/services/people-service.js';
import { LICENCE, useCliHome } from '../helpers/cli-home.js';

const home = useCliHome();

interface Listed {
  people: { username: string; grants: { role: string; firm_id: string | null }[]; locked_until: string | null; factors: { totp: boolean } }[];
}

describe('ccheck user (issue 11: the CLI manages people on the same store, as a local operator)', () => {
  it('creates the first administrator once, adds people with roles per firm, lists, unlocks and resets factors; all audited under the operator', async () => {
    expect((await home.ccheck('init')).code).toBe(0);
    expect((await home.ccheck('firm', 'add', '--profile', 'firm.yaml')).code).toBe(0);
    const admin = await home.ccheck('user', 'create-admin', '--username', 'Root.Admin', '--display-name', '管理者', '--json');
    expect(admin.code, admin.err).toBe(0);
    const made = JSON.parse(admin.out) as { account: { username: string }; password: string };
    expect(made.account.username).toBe('root.admin');
    expect(made.password.length).toBeGreaterThanOrEqual(20);
    const again = await home.ccheck('user', 'create-admin', '--username', 'second', '--json');
    expect(again.code).toBe(5); // a conflict, like FIRM_EXISTS
    expect(JSON.parse(again.err)).toMatchObject({ error: { code: 'SETUP_DONE' } });

    const added = await home.ccheck('user', 'add', '--username', 'officer.lin', '--role', 'officer', '--firm', LICENCE);
    expect(added.code, added.err).toBe(0);
    expect(added.out).toMatch(/initial password \(shown this once\): \S{20}/);
    expect((await home.ccheck('user', 'grant', 'officer.lin', '--role', 'auditor')).code).toBe(0);
    expect((await home.ccheck('user', 'grant', 'officer.lin', '--role', 'officer', '--firm', LICENCE, '--remove')).code).toBe(0);
    const bad = await home.ccheck('user', 'grant', 'officer.lin', '--role', 'pope', '--json');
    expect(JSON.parse(bad.err)).toMatchObject({ error: { code: 'ROLE_INVALID' } });
    const list = JSON.parse((await home.ccheck('user', 'list', '--json')).out) as Listed;
    expect(list.people.map((p) => [p.username, p.grants])).toEqual([
      ['officer.lin', [{ role: 'auditor', firm_id: null }]],
      ['root.admin', [{ role: 'admin', firm_id: null }]],
    ]);
    expect((await home.ccheck('user', 'unlock', 'officer.lin')).code).toBe(0);
    expect((await home.ccheck('user', 'reset-factors', 'officer.lin')).code).toBe(0);
    // Removing the only administrator's grant is refused.
    const last = await home.ccheck('user', 'grant', 'root.admin', '--role', 'admin', '--remove', '--json');
    expect(JSON.parse(last.err)).toMatchObject({ error: { code: 'ACCOUNT_LAST_ADMIN' } });

    const s = await InspectionService.connect(home.env.CCHECK_HOME!, home.env);
    try {
      const events = await s.db.selectFrom('audit_events').select(['actor', 'action']).where('action', 'like', 'people.%').execute();
      expect(events.length).toBeGreaterThan(5);
      // The local operator, as typed (CCHECK_USER), never an account label.
      expect(new Set(events.map((e) => e.actor))).toEqual(new Set(['alice']));
      expect((await s.verifyAudit()).ok).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('makes one demo account per role with a working TOTP secret, granted for the demo firm (serve --demo)', async () => {
    expect((await home.ccheck('init')).code).toBe(0);
    expect((await home.ccheck('firm', 'add', '--profile', 'firm.yaml')).code).toBe(0);
    const s = await InspectionService.connect(home.env.CCHECK_HOME!, home.env, systemClock);
    try {
      const people = new PeopleService(s, home.env);
      const firm = await s.firm(LICENCE);
      const { created } = await createDemoAccounts(people, firm.id);
      expect(created.map((a) => a.role)).toEqual([...ROLES]);
      for (const a of created) {
        expect(a.username).toBe(`demo-${a.role}`);
        expect(OTPAuth.URI.parse(a.otpauthUrl).toString()).toBe(a.otpauthUrl);
        expect(a.currentCode).toMatch(/^\d{6}$/);
        const step = await people.login(a.username, a.password, { address: '127.0.0.1' });
        expect(step.stage).toBe('second_factor');
      }
      const examiner = (
        await people.listPeople({ kind: 'local', id: 'x', name: 'x', grants: [{ role: 'admin', firmId: null }], method: 'local', factorAt: null })
      ).find((p) => p.username === 'demo-examiner')!;
      expect(examiner.grants).toEqual([{ role: 'examiner', firmId: firm.id }]);
      expect((await createDemoAccounts(people, firm.id)).existing).toHaveLength(6);
    } finally {
      await s.close();
    }
    expect(path.isAbsolute(home.env.CCHECK_HOME!)).toBe(true);
  });
});
