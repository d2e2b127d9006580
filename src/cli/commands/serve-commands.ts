import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { startServer } from '../../api/server.js';
import { InspectionService, systemClock } from '../../services/inspection-service.js';
import type { CommandRunner } from './catalog-commands.js';

/**
 * `ccheck serve`: the HTTP API and the web pages on this machine (127.0.0.1 unless told), on the
 * same store the CLI uses. Runs until interrupted.
 */
export function registerServeCommands(program: Command, runner: CommandRunner): void {
  program
    .command('serve')
    .description('啟動網頁介面與 API / serve the web application and the API')
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .option('--port <port>', 'the port (0 picks a free one)', '8417')
    .option('--database <url>', 'a PostgreSQL URL (default: the embedded SQLite store in the ccheck home)')
    .action((o: { host: string; port: string; database?: string }, cmd: Command) =>
      runner(cmd, async (ctx) => {
        const env = o.database ? { ...ctx.io.env, DATABASE_URL: o.database } : ctx.io.env;
        const inspections = await InspectionService.connect(ctx.home, env, systemClock, { create: true });
        await inspections.init();
        // Provisional until sign-in lands: no session resolves, so every route but health answers 401.
        const sessions = { actorOf: () => Promise.resolve(null) };
        const { app, url } = await startServer({
          inspections,
          home: ctx.home,
          env,
          clock: systemClock,
          sessions,
          host: o.host,
          port: Number(o.port),
          webRoot: builtPages(),
        });
        ctx.print(ctx.lang === 'zh-TW' ? `ccheck 已啟動：請以瀏覽器開啟 ${url}` : `ccheck is running: open ${url} in your browser`);
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
