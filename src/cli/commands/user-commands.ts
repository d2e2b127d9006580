import type { Command } from 'commander';
import { CoreError } from '../../core/errors.js';
import { isRole } from '../../core/people/roles.js';
import { randomPassword } from '../../services/demo-people.js';
import { InspectionService } from '../../services/inspection-service.js';
import { PeopleService, type AccountView } from '../../services/people-service.js';
import { operatorOf, type CliContext } from '../cli-context.js';
import { renderTable } from '../output.js';
import type { CommandRunner } from './catalog-commands.js';

const zhOr = (ctx: CliContext, zh: string, en: string) => (ctx.lang === 'zh-TW' ? zh : en);

/** The local operator (--as, else CCHECK_USER, else the login name): recorded as such, not as an account. */

async function withPeople<T>(ctx: CliContext, fn: (people: PeopleService) => Promise<T>): Promise<T> {
  const s = await InspectionService.connect(ctx.home, ctx.io.env);
  try {
    return await fn(new PeopleService(s, ctx.io.env));
  } finally {
    await s.close();
  }
}

function presentJson(a: AccountView) {
  return {
    id: a.id,
    username: a.username,
    display_name: a.displayName,
    disabled: a.disabled,
    grants: a.grants.map((g) => ({ role: g.role, firm_id: g.firmId })),
    factors: { totp: a.factors.totp, passkeys: a.factors.passkeys, recovery_codes_left: a.factors.recoveryCodesLeft },
    locked_until: a.lockedUntil,
  };
}

function printPassword(ctx: CliContext, a: AccountView, password: string): void {
  if (ctx.json) return ctx.printJson({ account: presentJson(a), password });
  ctx.print(zhOr(ctx, `已建立帳號 ${a.username}（${a.displayName}）`, `created ${a.username} (${a.displayName})`));
  ctx.print(zhOr(ctx, `初始密碼（僅顯示這一次）：${password}`, `initial password (shown this once): ${password}`));
  ctx.print(
    zhOr(
      ctx,
      '首次登入時須設定 TOTP 驗證器，之後請於網頁變更密碼。',
      'at the first sign-in the person sets up a TOTP authenticator, then changes the password on the web.',
    ),
  );
}

/** `ccheck user …`: people on the same store and through the same use cases as the web, by the local operator. */
export function registerUserCommands(program: Command, runner: CommandRunner): void {
  const user = program.command('user').description('帳號與角色 / people, roles and second factors');

  user
    .command('create-admin')
    .description('建立第一位系統管理者（僅限尚無任何帳號時）/ create the first administrator (only while no account exists)')
    .requiredOption('--username <name>', 'the username')
    .option('--display-name <name>', 'the name people see')
    .option('--as <user>', 'who is acting (recorded as a local operator)')
    .option('--json', 'JSON output')
    .action((o: { username: string; displayName?: string; as?: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withPeople(ctx, async (people) => {
          const password = randomPassword();
          const a = await people.createFirstAdmin(
            { username: o.username, displayName: o.displayName ?? o.username, password },
            { local: operatorOf(ctx, o.as) },
          );
          printPassword(ctx, a, password);
        }),
      ),
    );

  user
    .command('add')
    .description('新增帳號（隨機初始密碼）/ add a person (with a random initial password)')
    .requiredOption('--username <name>', 'the username')
    .option('--display-name <name>', 'the name people see')
    .option('--role <role>', 'a role to grant (admin, officer, supervisor, ciso, auditor, examiner)')
    .option('--firm <firm>', 'the firm the role is for (licence or id; default: every firm)')
    .option('--as <user>', 'who is acting (recorded as a local operator)')
    .option('--json', 'JSON output')
    .action((o: { username: string; displayName?: string; role?: string; firm?: string; as?: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withPeople(ctx, async (people) => {
          const actor = operatorOf(ctx, o.as);
          if (o.role !== undefined && !isRole(o.role)) throw new CoreError('ROLE_INVALID', `no role "${o.role}"`, { role: o.role }, { field: '--role' });
          const password = randomPassword();
          let a = await people.createPerson(actor, { username: o.username, displayName: o.displayName ?? o.username, password });
          if (o.role) a = await people.setGrants(actor, a.id, [{ role: o.role, firm: o.firm ?? null }]);
          printPassword(ctx, a, password);
        }),
      ),
    );

  user
    .command('grant')
    .description('授予（或以 --remove 撤銷）角色 / grant a role (or take it back with --remove)')
    .argument('<user>', 'username or id')
    .requiredOption('--role <role>', 'admin, officer, supervisor, ciso, auditor or examiner')
    .option('--firm <firm>', 'the firm (licence or id); default: every firm')
    .option('--remove', 'take the role back instead')
    .option('--as <user>', 'who is acting (recorded as a local operator)')
    .option('--json', 'JSON output')
    .action((ref: string, o: { role: string; firm?: string; remove?: boolean; as?: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withPeople(ctx, async (people) => {
          const actor = operatorOf(ctx, o.as);
          if (!isRole(o.role)) throw new CoreError('ROLE_INVALID', `no role "${o.role}"`, { role: o.role }, { field: '--role' });
          const current = await people.account((await people.findAccount(ref)).id);
          const firmId = o.firm ? (await people.inspections.firm(o.firm)).id : null;
          const others = current.grants.filter((g) => !(g.role === o.role && g.firmId === firmId)).map((g) => ({ role: g.role, firm: g.firmId }));
          const a = await people.setGrants(actor, current.id, o.remove ? others : [...others, { role: o.role, firm: firmId }]);
          if (ctx.json) return ctx.printJson({ account: presentJson(a) });
          ctx.print(`${a.username}: ${a.grants.map((g) => `${g.role}${g.firmId ? `@${g.firmId}` : ''}`).join(', ') || '-'}`);
        }),
      ),
    );

  user
    .command('list')
    .description('列出帳號、角色與第二因素 / list people, their roles and second factors')
    .option('--as <user>', 'who is asking')
    .option('--json', 'JSON output')
    .action((o: { as?: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withPeople(ctx, async (people) => {
          const list = await people.listPeople(operatorOf(ctx, o.as));
          if (ctx.json) return ctx.printJson({ people: list.map(presentJson) });
          const rows = list.map((a) => [
            a.username,
            a.displayName,
            a.grants.map((g) => `${g.role}${g.firmId ? `@${g.firmId.slice(0, 8)}` : ''}`).join(', ') || '-',
            [a.factors.totp ? 'TOTP' : '', a.factors.passkeys ? `passkey×${a.factors.passkeys}` : ''].filter(Boolean).join(' ') || '-',
            a.disabled ? zhOr(ctx, '停用', 'disabled') : a.lockedUntil ? zhOr(ctx, `鎖定至 ${a.lockedUntil}`, `locked until ${a.lockedUntil}`) : '',
          ]);
          ctx.print(renderTable(zhOr(ctx, '帳號|名稱|角色|第二因素|狀態', 'username|name|roles|factors|state').split('|'), rows, ctx.width));
        }),
      ),
    );

  user
    .command('unlock')
    .description('解除登入鎖定 / end a sign-in lockout now')
    .argument('<user>', 'username or id')
    .option('--as <user>', 'who is acting (recorded as a local operator)')
    .option('--json', 'JSON output')
    .action((ref: string, o: { as?: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withPeople(ctx, async (people) => {
          const a = await people.unlock(operatorOf(ctx, o.as), ref);
          if (ctx.json) return ctx.printJson({ account: presentJson(a) });
          ctx.print(zhOr(ctx, `已解除 ${a.username} 的登入鎖定`, `${a.username} is unlocked`));
        }),
      ),
    );

  user
    .command('reset-factors')
    .description('清除第二因素與復原碼，下次登入須重新設定 / remove second factors and recovery codes; the person enrols again')
    .argument('<user>', 'username or id')
    .option('--as <user>', 'who is acting (recorded as a local operator)')
    .option('--json', 'JSON output')
    .action((ref: string, o: { as?: string }, cmd: Command) =>
      runner(cmd, (ctx) =>
        withPeople(ctx, async (people) => {
          const a = await people.resetFactors(operatorOf(ctx, o.as), ref);
          if (ctx.json) return ctx.printJson({ account: presentJson(a) });
          ctx.print(
            zhOr(
              ctx,
              `已清除 ${a.username} 的第二因素；下次登入時須重新設定 TOTP`,
              `${a.username}'s second factors are removed; they set up TOTP at the next sign-in`,
            ),
          );
        }),
      ),
    );
}
