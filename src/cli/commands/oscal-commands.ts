import path from 'node:path';
import type { Command } from 'commander';
import { parseAnyDate } from '../../core/dates.js';
import { CoreError } from '../../core/errors.js';
import { OSCAL_VERSIONS, type OscalVersion } from '../../core/oscal/oscal-ids.js';
import type { CatalogStore } from '../../services/catalog-service.js';
import { withCatalog } from '../../services/catalog-view-service.js';
import { InspectionService, systemClock } from '../../services/inspection-service.js';
import { importOscalFile } from '../../services/oscal-service.js';
import type { FileOutput } from '../../services/use-cases/deps.js';
import { oscalCatalogExport, oscalProfileExport, oscalResultsExport } from '../../services/use-cases/oscal.js';
import { actorOf, operatorOf, type CliContext } from '../cli-context.js';
import { writeUserFile } from '../files.js';
import type { CommandRunner } from './catalog-commands.js';

function oscalVersionOf(v: string): OscalVersion {
  if (!(OSCAL_VERSIONS as readonly string[]).includes(v))
    throw new CoreError('INPUT_UNSUPPORTED_FORMAT', `OSCAL version "${v}": ${OSCAL_VERSIONS.join(' or ')}`, { format: v });
  return v as OscalVersion;
}

/** Writes a document to `-o` (or its suggested name), whole and for the owner only; `-o -` writes to stdout for pipes. */
async function write(ctx: CliContext, output: string | undefined, doc: FileOutput): Promise<void> {
  if (output === '-') {
    ctx.io.stdout.write(doc.body.toString('utf8'));
    return;
  }
  const file = await writeUserFile(path.resolve(ctx.io.cwd, output ?? doc.name), doc.body);
  if (ctx.json) ctx.printJson({ file });
  else ctx.print(file);
}

export function registerOscalCommands(program: Command, runner: CommandRunner): void {
  const common = (c: Command) =>
    c
      .option('--oscal-version <v>', `OSCAL version written in the metadata: ${OSCAL_VERSIONS.join(' or ')}`, '1.2.1')
      .option('-o, --output <file>', 'where to write (- for standard output)')
      .option('--json', 'JSON output');
  const exp = program
    .command('export')
    .description('匯出 / export in an exchange format')
    .command('oscal')
    .description('匯出 OSCAL (NIST) JSON / export OSCAL JSON');

  common(
    exp
      .command('catalog')
      .description('檢查項目版本 → OSCAL catalog / a catalog version as an OSCAL catalog')
      .argument('[version]', 'version id or hash prefix (default: the latest in force)'),
  ).action((ref: string | undefined, o: { oscalVersion: string; output?: string }, cmd: Command) =>
    runner(cmd, async (ctx) => {
      const doc = await withCatalog(ctx.home, ctx.io.env, (c) =>
        oscalCatalogExport(c, operatorOf(ctx), ref, { oscalVersion: oscalVersionOf(o.oscalVersion), now: systemClock.now() }),
      );
      await write(ctx, o.output, doc);
    }),
  );

  common(
    exp
      .command('profile')
      .description('公司適用範圍 → OSCAL profile / the firm’s applicability as an OSCAL profile')
      .option('--profile <file>', 'the firm profile (YAML)')
      .option('--firm <firm>', 'or: a firm in the database (licence number or name)')
      .option('--version <version>', 'catalog version (default: the latest in force)'),
  ).action((o: { profile?: string; firm?: string; version?: string; oscalVersion: string; output?: string }, cmd: Command) =>
    runner(cmd, async (ctx) => {
      const ov = oscalVersionOf(o.oscalVersion);
      const exportWith = (catalog: CatalogStore, service?: InspectionService) =>
        oscalProfileExport(
          { catalog, inspections: service },
          operatorOf(ctx),
          { profileFile: o.profile && path.resolve(ctx.io.cwd, o.profile), firm: o.firm },
          o.version,
          { oscalVersion: ov, now: systemClock.now() },
        );
      let doc: FileOutput;
      if (o.firm && !o.profile) {
        const service = await InspectionService.connect(ctx.home, ctx.io.env);
        try {
          doc = await exportWith(service.catalog, service);
        } finally {
          await service.close();
        }
      } else {
        doc = await withCatalog(ctx.home, ctx.io.env, (c) => exportWith(c));
      }
      await write(ctx, o.output, doc);
    }),
  );

  common(
    exp
      .command('results')
      .description('查核結果 → OSCAL assessment-results / an inspection run as OSCAL assessment results')
      .requiredOption('--firm <firm>', 'licence number or name')
      .requiredOption('--period <period>', 'the inspection period'),
  ).action((o: { firm: string; period: string; oscalVersion: string; output?: string }, cmd: Command) =>
    runner(cmd, async (ctx) => {
      const ov = oscalVersionOf(o.oscalVersion);
      const s = await InspectionService.connect(ctx.home, ctx.io.env);
      try {
        const doc = await oscalResultsExport(
          { inspections: s },
          operatorOf(ctx),
          { firm: o.firm, period: o.period },
          { oscalVersion: ov, now: systemClock.now() },
        );
        await write(ctx, o.output, doc);
      } finally {
        await s.close();
      }
    }),
  );

  program
    .command('import')
    .description('匯入 / import from an exchange format')
    .command('oscal')
    .description('匯入 OSCAL catalog 為檢查項目版本 / import an OSCAL catalog as a catalog version')
    .argument('<file>', 'an OSCAL catalog (JSON)')
    .option('--id <id>', 'version id (default: the id ccheck exported it under, else oscal-<uuid prefix>)')
    .option('--effective-date <date>', 'when the version takes effect (never guessed from the publication date)')
    .option('--schema <file>', 'validate first against this NIST OSCAL JSON schema (e.g. oscal_complete_schema.json)')
    .option('--dry-run', 'read and report, write nothing')
    .option('--json', 'JSON output')
    .action((file: string, o: { id?: string; effectiveDate?: string; schema?: string; dryRun?: boolean }, cmd: Command) =>
      runner(cmd, async (ctx) => {
        const r = await withCatalog(ctx.home, ctx.io.env, (c) =>
          importOscalFile(c, actorOf(ctx, undefined), path.resolve(ctx.io.cwd, file), {
            id: o.id,
            effectiveDate: o.effectiveDate ? parseAnyDate(o.effectiveDate) : undefined,
            schema: o.schema && path.resolve(ctx.io.cwd, o.schema),
            dryRun: o.dryRun,
          }),
        );
        const v = r.version;
        if (ctx.json) return ctx.printJson({ id: v.id, hash: v.hash, nodes: v.nodes.length, written: r.written, dry_run: !!o.dryRun });
        const zh = ctx.lang === 'zh-TW';
        const state = o.dryRun
          ? zh
            ? '（試讀，未寫入）'
            : ' (dry run, nothing written)'
          : r.written
            ? ''
            : zh
              ? '（已存在，內容相同）'
              : ' (already present, unchanged)';
        ctx.print(
          zh ? `已匯入版本 ${v.id}：${v.nodes.length} 個項次，${v.hash}${state}` : `imported version ${v.id}: ${v.nodes.length} nodes, ${v.hash}${state}`,
        );
      }),
    );
}
