import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Command } from 'commander';
import { cookieSessionPort } from '../../api/session-port.js';
import { startServer } from '../../api/server.js';
import { createDemoAccounts } from '../../services/demo-people.js';
import { runDemo } from '../../services/demo-service.js';
import { InspectionService, systemClock } from '../../services/inspection-service.js';
import { PeopleService } from '../../services/people-service.js';
import type { CliContext } from '../cli-context.js';
import type { CommandRunner } from './catalog-commands.js';

const zhOr = (ctx: CliContext, zh: string, en: string) => (ctx.lang === 'zh-TW' ? zh : en);

/**
 * `ccheck serve`: the HTTP API and the web pages on this machine (127.0.0.1 unless told), on the
 * same store the CLI uses. Runs until interrupted. On a store without accounts it prints the
 * one-time setup address (no default credentials); with `--demo` it serves the demo firm with one
 * account per role, whose sign-in details it prints once.
 */
export function registerServeCommands(program: Command, runner: CommandRunner): void {
  program
    .command('serve')
    .description('啟動網頁介面與 API / serve the web application and the API')
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .option('--port <port>', 'the port (0 picks a free one)', '8417')
    .option('--database <url>', 'a PostgreSQL URL (default: the embedded SQLite store in the ccheck home)')
    .option('--demo [dir]', 'serve the demo firm (made in this folder, default ccheck-demo) with a demo account per role')
    .action((o: { host: string; port: string; database?: string; demo?: string | true }, cmd: Command) =>
      runner(cmd, async (ctx) => {
        let home = ctx.home;
        let env = o.database ? { ...ctx.io.env, DATABASE_URL: o.database } : ctx.io.env;
        if (o.demo) {
          const dir = path.resolve(ctx.io.cwd, typeof o.demo === 'string' ? o.demo : 'ccheck-demo');
          // The demo runs on its own embedded store inside its folder (as `ccheck demo` does); a second run reuses it.
          // Reusing an earlier demo folder is fine; any other non-empty folder is refused (OUTPUT_EXISTS), as by `ccheck demo`.
          const r = await runDemo(dir, ctx.io.env, systemClock, { force: existsSync(path.join(dir, '.ccheck')), lang: ctx.lang });
          home = r.home;
          env = { ...ctx.io.env, CCHECK_HOME: home, DATABASE_URL: path.join(home, 'ccheck.db'), CCHECK_VAULT_KEY: '', CCHECK_VAULT_KEY_FILE: '' };
          ctx.print(zhOr(ctx, `範例證券商已建立於 ${dir}（本月 ${r.period}）`, `the demo firm is in ${dir} (this month: ${r.period})`));
        }
        const inspections = await InspectionService.connect(home, env, systemClock, { create: true });
        await inspections.init();
        const people = new PeopleService(inspections, env);
        const demoLines: string[] = [];
        if (o.demo) {
          const firm = (await inspections.listFirms())[0]!;
          const { created, existing } = await createDemoAccounts(people, firm.id);
          for (const a of created) {
            demoLines.push(
              `  ${a.role.padEnd(10)} ${a.username.padEnd(16)} ${zhOr(ctx, '密碼', 'password')} ${a.password}  TOTP ${a.totpSecret}  (${zhOr(ctx, '目前驗證碼', 'code now')} ${a.currentCode})`,
              `             ${a.otpauthUrl}`,
            );
          }
          if (existing.length) {
            demoLines.push(
              zhOr(
                ctx,
                `  已存在的示範帳號（登入資料僅於建立時印出一次；可用 ccheck user reset-factors 重設）：${existing.join('、')}`,
                `  demo accounts that exist already (their details were printed once, when made; reset with ccheck user reset-factors): ${existing.join(', ')}`,
              ),
            );
          }
        }
        const setupToken = (await people.needsAdmin()) ? people.issueSetupToken() : null;
        const { app, url } = await startServer({
          inspections,
          home,
          env,
          clock: systemClock,
          sessions: cookieSessionPort(people),
          people,
          host: o.host,
          port: Number(o.port),
          webRoot: builtPages(),
        });
        ctx.print(zhOr(ctx, `ccheck 已啟動：請以瀏覽器開啟 ${url}`, `ccheck is running: open ${url} in your browser`));
        if (setupToken) {
          ctx.print(
            zhOr(
              ctx,
              `尚無任何帳號：請開啟 ${url}/setup?token=${setupToken} 建立第一位系統管理者（此代碼僅此一次有效，重新啟動即作廢）`,
              `no accounts yet: open ${url}/setup?token=${setupToken} to create the first administrator (the token works once and dies with this process)`,
            ),
          );
        }
        if (demoLines.length) {
          ctx.print(
            zhOr(
              ctx,
              '示範帳號（僅顯示這一次，請記下；以驗證器 App 加入 TOTP 金鑰或 otpauth 網址）：',
              'demo accounts (shown this once; add the TOTP secret or otpauth URL to an authenticator app):',
            ),
          );
          for (const line of demoLines) ctx.print(line);
        }
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await app.close();
        await inspections.close();
      }),
    );
}

/** The pages `npm run build` put in dist/web (this file sits three folders below the package root, in src/ or dist/); null serves the API alone. */
export function builtPages(): string | null {
  const dir = fileURLToPath(new URL('../../../dist/web/', import.meta.url));
  return existsSync(`${dir}index.html`) ? dir : null;
}
