import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { formatRocDate, parseAnyDate } from '../core/dates.js';
import { CONTROL_CHARACTERS, codePointOf } from '../core/control-characters.js';
import { CoreError } from '../core/errors.js';
import { packageRoot, resolveHome } from '../io/locations.js';
import { EXIT, renderError, type CliContext, type CliIo } from './cli-context.js';
import type { CommandRunner } from './commands/catalog-commands.js';
import { createTranslator, detectLang, parseLang, type Lang } from './i18n.js';

type Register = (program: Command, runner: CommandRunner) => void;

/**
 * The command groups and the top-level commands each registers. A group's module (and with it
 * the PDF, spreadsheet, database and schema libraries its commands use) is imported only when
 * one of its commands runs, or for --help: a compliance officer runs dozens of commands a day,
 * and `ccheck --version` or `ccheck date` should not pay for all of them. A test keeps this
 * table equal to what the modules register; a command missing here still runs (all groups load).
 */
export const COMMAND_GROUPS: readonly { readonly commands: readonly string[]; readonly load: () => Promise<Register> }[] = [
  { commands: ['catalog'], load: async () => (await import('./commands/catalog-commands.js')).registerCatalogCommands },
  { commands: ['profile', 'applicability', 'plan', 'impact'], load: async () => (await import('./commands/firm-commands.js')).registerFirmCommands },
  {
    commands: ['init', 'firm', 'inspect', 'evidence', 'result', 'finding', 'audit', 'backup', 'restore'],
    load: async () => (await import('./commands/inspection-commands.js')).registerInspectionCommands,
  },
  { commands: ['analyzers', 'analyze'], load: async () => (await import('./commands/analysis-commands.js')).registerAnalysisCommands },
  { commands: ['report', 'demo', 'run'], load: async () => (await import('./commands/report-commands.js')).registerReportCommands },
  { commands: ['export', 'import'], load: async () => (await import('./commands/oscal-commands.js')).registerOscalCommands },
  { commands: ['package'], load: async () => (await import('./commands/package-commands.js')).registerPackageCommands },
  { commands: ['serve'], load: async () => (await import('./commands/serve-commands.js')).registerServeCommands },
  { commands: ['user'], load: async () => (await import('./commands/user-commands.js')).registerUserCommands },
];

/** Commands main.ts defines itself, which need no group. */
const OWN_COMMANDS = ['date'];

/** The first word of argv that is not a program option (or the value of --lang / --home). */
function commandWord(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return argv[i + 1] ?? null;
    if (a === '--lang' || a === '--home') i++;
    else if (!a.startsWith('-')) return a;
  }
  return null;
}

/** The groups this invocation needs: none for --version and `date`, one for its command, all for help or a word ccheck does not know. */
function groupsFor(argv: readonly string[]): typeof COMMAND_GROUPS {
  const word = commandWord(argv);
  if (word === null) return argv.some((a) => a === '-V' || a === '--version') && !argv.some((a) => a === '-h' || a === '--help') ? [] : COMMAND_GROUPS;
  if (OWN_COMMANDS.includes(word)) return [];
  const mine = COMMAND_GROUPS.filter((g) => g.commands.includes(word));
  return mine.length > 0 ? mine : COMMAND_GROUPS;
}

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

  // In the table's order, so that --help lists the commands as before.
  for (const register of await Promise.all(groupsFor(argv).map((g) => g.load()))) register(program, runner);

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
