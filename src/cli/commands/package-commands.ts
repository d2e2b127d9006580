import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CoreError } from '../../core/errors.js';
import { InspectionService } from '../../services/inspection-service.js';
import { fingerprintOfKeyFile, verifyPackage } from '../../services/package-service.js';
import { signedPackage } from '../../services/use-cases/packages.js';
import { writeUserFile } from '../files.js';
import { operatorOf, type CliContext } from '../cli-context.js';
import type { CommandRunner } from './catalog-commands.js';

const zhOr = (ctx: CliContext, zh: string, en: string) => (ctx.lang === 'zh-TW' ? zh : en);

export function registerPackageCommands(program: Command, runner: CommandRunner): void {
  const pkg = program.command('package').description('簽核完竣之查核封存檔 / the package of a signed inspection');
  pkg
    .command('export')
    .description('匯出已簽核版次之封存檔（報告、明細表、工作底稿、附件、簽核歷程、簽章清單）/ export the signed package of a revision')
    .requiredOption('--firm <firm>', 'licence number or name')
    .requiredOption('--period <period>', 'the inspection period')
    .option('--revision <n>', 'which revision (default: the latest)')
    .requiredOption('-o, --output <file>', 'the .zip to write (must not exist)')
    .option('--json', 'JSON output')
    .action((o: { firm: string; period: string; revision?: string; output: string }, cmd: Command) =>
      runner(cmd, async (ctx) => {
        const s = await InspectionService.connect(ctx.home, ctx.io.env);
        try {
          const revision = o.revision === undefined ? undefined : Number(o.revision);
          const output = path.resolve(ctx.io.cwd, o.output);
          if (existsSync(output)) throw new CoreError('OUTPUT_EXISTS', `${output} already exists; choose a new file name`, {}, { file: output });
          const actor = operatorOf(ctx);
          const pkg = await signedPackage({ inspections: s }, actor, { firm: o.firm, period: o.period, revision, lang: ctx.lang });
          const r = { file: await writeUserFile(output, () => Promise.resolve(pkg.open()), { exclusive: true }), manifest: pkg.manifest };
          if (ctx.json)
            return ctx.printJson({
              file: r.file,
              name: pkg.name,
              files: r.manifest.files.length,
              audit_head: r.manifest.auditHead,
              fingerprint: r.manifest.signingKey.fingerprint,
            });
          ctx.print(
            zhOr(
              ctx,
              `已寫出 ${r.file}：${r.manifest.files.length} 個檔案，簽核時稽核鏈首 #${r.manifest.auditHead.seq}，簽章公鑰指紋 ${r.manifest.signingKey.fingerprint}`,
              `wrote ${r.file}: ${r.manifest.files.length} files, audit head at sign-off #${r.manifest.auditHead.seq}, signing key ${r.manifest.signingKey.fingerprint}`,
            ),
          );
        } finally {
          await s.close();
        }
      }),
    );
  pkg
    .command('verify')
    .description('驗證封存檔之簽章與每個檔案；加 --store 並核對資料庫之稽核鏈 / verify a package (and, with --store, the database still holds its audit head)')
    .argument('<archive>', 'the .zip')
    .option('--store', "also check this installation's database: its audit chain must still hold the head signed in the package")
    .option('--key <file>', 'the public key (PEM) the package must be signed with')
    .option('--fingerprint <fp>', 'the key fingerprint the package must be signed with (as printed in the report)')
    .option('--json', 'JSON output')
    .action((archive: string, o: { store?: boolean; key?: string; fingerprint?: string }, cmd: Command) =>
      runner(cmd, async (ctx) => {
        const s = o.store ? await InspectionService.connect(ctx.home, ctx.io.env) : null;
        try {
          const expected = o.key ? fingerprintOfKeyFile(path.resolve(ctx.io.cwd, o.key)) : o.fingerprint;
          const v = await verifyPackage(path.resolve(ctx.io.cwd, archive), s, expected);
          if (ctx.json) ctx.printJson(v);
          else if (v.ok) {
            const m = v.manifest!;
            ctx.print(
              zhOr(
                ctx,
                `✓ 封存檔完整：${m.firm.name} ${m.period} 第 ${m.revision} 版，${m.signoff.by} 簽核於 ${m.signoff.at}；${m.files.length} 個檔案雜湊相符；簽章公鑰指紋 ${v.fingerprint}`,
                `✓ package intact: ${m.firm.name} ${m.period} revision ${m.revision}, signed off by ${m.signoff.by} at ${m.signoff.at}; ${m.files.length} files match; signing key ${v.fingerprint}`,
              ),
            );
            if (v.store) ctx.print(`✓ ${v.store.detail}`);
          } else {
            ctx.print(zhOr(ctx, `✗ 封存檔驗證失敗（${v.problems.length} 個問題）：`, `✗ the package fails verification (${v.problems.length} problem(s)):`));
            for (const p of v.problems) ctx.print(`  - ${p.kind} ${p.file}: ${p.detail}`);
          }
          if (!v.ok)
            throw new CoreError('PACKAGE_INVALID', `${archive}: ${v.problems[0]!.detail}`, { what: v.problems[0]!.detail }, { file: v.problems[0]!.file });
        } finally {
          await s?.close();
        }
      }),
    );
}
