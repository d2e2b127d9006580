import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { formatRocDate, parseAnyDate } from '../core/dates.js';
import { CoreError } from '../core/errors.js';
import { CONTROL_CHARACTERS, codePointOf } from '../core/yaml-input.js';
import { packageRoot } from '../io/catalog-data.js';
import { resolveHome } from '../services/catalog-service.js';
import { EXIT, renderError, type CliContext, type CliIo } from './cli-context.js';
import { registerCatalogCommands, type CommandRunner } from './commands/catalog-commands.js';
import { registerFirmCommands } from './commands/firm-commands.js';
import { registerInspectionCommands } from './commands/inspection-commands.js';
import { registerAnalysisCommands } from './commands/analysis-commands.js';
import { registerReportCommands } from './commands/report-commands.js';
import { registerOscalCommands } from './commands/oscal-commands.js';
import { createTranslator, detectLang, parseLang, type Lang } from './i18n.js';

/** --lang and --home on every command that runs, wherever the user puts them. */
function addCommonOptions(cmd: Command): void {
  for (const sub of cmd.commands) {
    if (sub.commands.length > 0) addCommonOptions(sub);
    else sub.option('--lang <lang>', 'zh-TW or en').option('--home <dir>', 'where ccheck keeps your data');
  }
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** NUL and other control characters never belong in an argument (a name, `--as`, a path). */
function refuseControlCharacters(cmd: Command): void {
  const values: [string, unknown][] = [...cmd.args.map((a, i): [string, unknown] => [`argument ${i + 1}`, a]), ...Object.entries(cmd.opts())];
  for (const [name, value] of values) {
    for (const v of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (typeof v === 'string' && CONTROL_CHARACTERS.test(v)) {
        const field = name.startsWith('argument') ? name : `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
        throw new CoreError('INPUT_CONTROL_CHARACTER', `${field}: contains the control character ${codePointOf(v)}`, { char: codePointOf(v) }, { field });
      }
    }
  }
}

/**
 * Runs the CLI with the given arguments (without `node` and the script) and returns the exit
 * code. Streams and environment come in through `io`, so tests drive it in-process.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exit: number = EXIT.ok;
  const program = new Command('ccheck')
    .description('ccheck — 證券商資通安全檢查機制 / TWSE securities-firm cybersecurity inspection mechanism')
    .version(packageVersion(), '-V, --version')
    .option('--lang <lang>', 'zh-TW or en (default: from LANG, zh-TW first)')
    .option('--home <dir>', 'where ccheck keeps your data (default: $CCHECK_HOME or ~/.local/share/ccheck)')
    // Program options go before the command, so that a command may have its own --version
    // (the catalog version); --lang and --home are also accepted after the command.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError();

  const runner: CommandRunner = async (cmd, run) => {
    const opts = cmd.optsWithGlobals<{ lang?: string; home?: string; json?: boolean }>();
    let lang: Lang;
    try {
      lang = opts.lang ? parseLang(opts.lang) : detectLang(io.env);
    } catch (e) {
      io.stderr.write(`${(e as Error).message}\n`);
      exit = EXIT.usage;
      return;
    }
    const t = createTranslator(lang);
    const ctx: CliContext = {
      io,
      lang,
      t,
      json: !!opts.json,
      home: opts.home ? path.resolve(io.cwd, opts.home) : resolveHome(io.env),
      width: Math.max(60, Math.min(io.stdout.columns ?? 120, 160)),
      print: (line = '') => io.stdout.write(`${line}\n`),
      printJson: (value) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    };
    try {
      refuseControlCharacters(cmd);
      await run(ctx);
    } catch (err) {
      const other = createTranslator(lang === 'zh-TW' ? 'en' : 'zh-TW');
      const rendered = renderError(err, ctx, other);
      io.stderr.write(`${rendered.text}\n`);
      exit = rendered.exit;
    }
  };

  registerCatalogCommands(program, runner);
  registerFirmCommands(program, runner);
  registerInspectionCommands(program, runner);
  registerAnalysisCommands(program, runner);
  registerReportCommands(program, runner);
  registerOscalCommands(program, runner);

  program
    .command('date')
    .description('民國與西元日期互換 / convert between ROC and Gregorian dates')
    .argument('<date>', '112年8月15日, 112/08/15 or 2023-08-15')
    .option('--json', 'JSON output')
    .action((value: string, _o, cmd: Command) =>
      runner(cmd, (ctx) => {
        const iso = parseAnyDate(value);
        const roc = formatRocDate(iso);
        if (ctx.json) ctx.printJson({ iso, roc });
        else ctx.print(`${iso}\t民國${roc}`);
      }),
    );

  addCommonOptions(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw e;
  }
  return exit;
}
