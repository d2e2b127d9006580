import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { isValidPath, type CatalogNode } from '../../core/catalog/catalog-node.js';
import { findNode, subtree, type CatalogVersion } from '../../core/catalog/catalog-version.js';
import { diffVersions, type CatalogChange } from '../../core/catalog/diff-versions.js';
import { formatDualDate, parseAnyDate } from '../../core/dates.js';
import { CoreError } from '../../core/errors.js';
import type { TextEncoding } from '../../io/read-text-file.js';
import { importAmendmentFile, importChecklistFile } from '../../services/catalog-service.js';
import { withCatalog } from '../../services/catalog-view-service.js';
import { versionIn } from '../../services/firm-service.js';
import { actorOf, type CliContext } from '../cli-context.js';
import { renderTable, sideBySide, truncate } from '../output.js';

type Run = (ctx: CliContext) => Promise<void> | void;
export type CommandRunner = (cmd: Command, run: Run) => Promise<void>;

const shortHash = (h: string) => h.slice(0, 'sha256:'.length + 12);

function dateText(ctx: CliContext, date: string | null): string {
  return date ? formatDualDate(date, ctx.lang) : ctx.lang === 'zh-TW' ? '未載明' : 'not printed';
}

/** The node as `ccheck catalog show --json` prints it; the documented keys first. */
export function presentNode(n: CatalogNode) {
  return {
    path: n.path,
    code: n.code,
    title: n.title,
    text: n.text,
    status: n.status,
    frequency: n.frequency,
    applies_to: n.appliesTo,
    tier_dependent: n.tierDependent,
    strength: n.strength,
    rationale: n.rationale
      ? {
          text: n.rationale.text || null,
          guideline: n.rationale.guideline,
          repeats_above: n.rationale.repeatsAbove,
          alignment: n.rationale.alignment,
          candidates: n.rationale.candidates,
        }
      : null,
    level: n.level,
    title_en: n.titleEn,
    text_en: n.textEn,
    text_source: n.textSource,
    code_source: n.codeSource,
    frequency_source: n.frequencySource,
    applies_to_reason: n.appliesToReason,
    all_broker_items: n.allBrokerItems,
    effective_date: n.effectiveDate,
    amended_fragments: n.amendedFragments,
  };
}

export function presentChange(c: CatalogChange) {
  return { kind: c.kind, path: c.path, old_path: c.oldPath, code: c.code, fields: c.fields };
}

function contentOf(ctx: CliContext, n: CatalogNode): string {
  // In English, an English reading where ccheck has one; the zh-TW text stays the rule.
  const english = ctx.lang === 'en' && (n.titleEn || n.textEn);
  const parts = (english ? [n.titleEn ?? n.title, n.textEn ?? n.text] : [n.title, n.text]).filter((x): x is string => !!x);
  if (n.status === 'elided') parts.push(ctx.t('status.elided'));
  return parts.join(' ');
}

function nodeRow(ctx: CliContext, n: CatalogNode): string[] {
  return [
    n.path,
    n.code ?? '',
    n.frequency ? ctx.t(`frequency.${n.frequency}`) : '',
    ctx.t(`appliesTo.${n.appliesTo}`),
    n.strength ? ctx.t(`strength.${n.strength}`) : '',
    contentOf(ctx, n),
  ];
}

function nodeHeaders(ctx: CliContext): string[] {
  return ['path', 'code', 'frequency', 'applies', 'strength', 'content'].map((k) => ctx.t(`col.${k}`));
}

function printNodeDetail(ctx: CliContext, n: CatalogNode): void {
  const t = ctx.t;
  const line = (label: string, value: string | null | undefined) => {
    if (value) ctx.print(`${label}: ${value}`);
  };
  line(t('col.path'), n.path);
  line(t('col.code'), n.code ? `${n.code} (${n.codeSource})` : null);
  line(t('show.title'), n.title);
  line(t('show.text'), n.status === 'elided' ? `${n.text ?? ''} ${t('status.elided')}`.trim() : n.text);
  line(t('show.textEn'), [n.titleEn, n.textEn].filter(Boolean).join(' — ') || null);
  line(t('col.frequency'), n.frequency ? `${t(`frequency.${n.frequency}`)} (${n.frequencySource})` : null);
  line(t('col.applies'), `${t(`appliesTo.${n.appliesTo}`)} — ${n.appliesToReason}`);
  line(t('col.strength'), n.strength ? t(`strength.${n.strength}`) : null);
  line(t('show.tier'), n.tierDependent ? '✓' : null);
  line(t('show.effective'), n.effectiveDate ? formatDualDate(n.effectiveDate, ctx.lang) : null);
  line(t('show.amended'), n.amendedFragments.length ? n.amendedFragments.map((f) => `「${f}」`).join(' ') : null);
  if (n.rationale) {
    const r = n.rationale;
    line(t('show.rationale'), r.alignment === 'unresolved' ? t('show.unresolved', { candidates: r.candidates.join(' | ') || '—' }) : r.text);
    line(t('show.guideline'), r.guideline);
  }
}

function resolvePathArg(version: CatalogVersion, p: string): CatalogNode {
  if (!isValidPath(p)) throw new CoreError('CATALOG_INVALID_PATH', `"${p}" is not an item path such as 7/(1)/d/(a)`, { path: p });
  const node = findNode(version, p);
  if (!node) throw new CoreError('CATALOG_NODE_NOT_FOUND', `version ${version.id} has no item ${p}`, { path: p, version: version.id });
  return node;
}

function parseDateOption(v: string | undefined): string | null {
  return v ? parseAnyDate(v) : null;
}

function encodingOption(v: string | undefined): TextEncoding | undefined {
  if (v === undefined) return undefined;
  const e = v.toLowerCase().replace('_', '-');
  if (e === 'utf-8' || e === 'utf8') return 'utf-8';
  if (e === 'big5' || e === 'cp950') return 'big5';
  throw new CoreError('INPUT_UNKNOWN_ENCODING', `unknown encoding "${v}" (utf-8 or big5)`, { encoding: v });
}

export function registerCatalogCommands(program: Command, runner: CommandRunner): void {
  const catalog = program.command('catalog').description('檢查項目版本 / the versioned regulation catalog');

  catalog
    .command('versions')
    .description('列出版本 / list catalog versions')
    .option('--json', 'JSON output')
    .action((_o, cmd: Command) =>
      runner(cmd, async (ctx) => {
        const list = await withCatalog(ctx.home, ctx.io.env, (c) => c.list());
        if (ctx.json) {
          ctx.printJson({
            versions: list.map(({ version: v, origin }) => ({
              id: v.id,
              effective_date: v.effectiveDate,
              hash: v.hash,
              title: v.title,
              nodes: v.nodes.length,
              source: v.source,
              origin,
            })),
          });
          return;
        }
        const rows = list.map(({ version: v, origin }) => [
          v.id,
          dateText(ctx, v.effectiveDate),
          shortHash(v.hash),
          String(v.nodes.length),
          v.source.kind === 'amendment_table'
            ? `${v.source.fileName} (${v.source.column})`
            : v.source.kind === 'firm_checklist'
              ? `${v.source.fileName} ← ${v.source.baseId}`
              : `${v.source.fileName} (OSCAL ${v.source.oscalVersion})`,
          origin,
        ]);
        ctx.print(renderTable([...['id', 'effective', 'hash', 'nodes', 'source'].map((k) => ctx.t(`col.${k}`)), ''], rows, ctx.width));
      }),
    );

  catalog
    .command('show')
    .description('顯示版本內容 / show a version, or one item and what is under it')
    .argument('<version>', 'version id or hash prefix')
    .argument('[path]', 'item path, e.g. 7/(1)/d')
    .option('--json', 'JSON output')
    .action((versionRef: string, itemPath: string | undefined, _o, cmd: Command) =>
      runner(cmd, async (ctx) => {
        const version = versionIn(await withCatalog(ctx.home, ctx.io.env, (c) => c.list()), versionRef);
        const nodes = itemPath ? subtree(version, resolvePathArg(version, itemPath).path) : [...version.nodes];
        if (ctx.json) {
          ctx.printJson({ id: version.id, effective_date: version.effectiveDate, hash: version.hash, nodes: nodes.map(presentNode) });
          return;
        }
        ctx.print(`${version.id} — ${version.title}`);
        ctx.print(`${ctx.t('col.effective')}: ${dateText(ctx, version.effectiveDate)}${version.effectiveDateNote ? ` (${version.effectiveDateNote})` : ''}`);
        if (version.basis) ctx.print(`${ctx.t('show.basis')}: ${version.basis}`);
        ctx.print(`${ctx.t('col.hash')}: ${version.hash}`);
        ctx.print();
        if (itemPath) {
          printNodeDetail(ctx, nodes[0]!);
          if (nodes.length > 1) {
            ctx.print();
            ctx.print(
              renderTable(
                nodeHeaders(ctx),
                nodes.slice(1).map((n) => nodeRow(ctx, n)),
                ctx.width,
              ),
            );
          }
        } else {
          ctx.print(
            renderTable(
              nodeHeaders(ctx),
              nodes.map((n) => nodeRow(ctx, n)),
              ctx.width,
            ),
          );
          if (version.truncatedAfter) ctx.print(`\n${ctx.t('show.truncated', { path: version.truncatedAfter })}`);
        }
      }),
    );

  catalog
    .command('diff')
    .description('比較兩個版本 / changes between two versions, side by side')
    .argument('<from>', 'older version')
    .argument('<to>', 'newer version')
    .option('--json', 'JSON output')
    .action((fromRef: string, toRef: string, _o, cmd: Command) =>
      runner(cmd, async (ctx) => {
        const versions = await withCatalog(ctx.home, ctx.io.env, (c) => c.list());
        const from = versionIn(versions, fromRef);
        const to = versionIn(versions, toRef);
        const diff = diffVersions(from, to);
        if (ctx.json) {
          ctx.printJson({ from: from.id, to: to.id, changes: diff.changes.map(presentChange) });
          return;
        }
        const counts = new Map<string, number>();
        for (const c of diff.changes) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
        ctx.print(
          ctx.t('diff.summary', {
            from: from.id,
            to: to.id,
            n: diff.changes.length,
            counts: [...counts].map(([k, n]) => `${ctx.t(`kind.${k}`)} ${n}`).join('、'),
          }),
        );
        const oldBy = new Map(from.nodes.map((n) => [n.path, n]));
        const newBy = new Map(to.nodes.map((n) => [n.path, n]));
        for (const c of diff.changes) {
          const o = c.oldPath ? oldBy.get(c.oldPath) : undefined;
          const n = c.path ? newBy.get(c.path) : undefined;
          const where = c.kind.startsWith('renumbered') ? `${c.oldPath} → ${c.path}` : (c.path ?? c.oldPath);
          ctx.print();
          ctx.print(`■ ${ctx.t(`kind.${c.kind}`)}  ${where}${c.code ? `  ${c.code}` : ''}${c.fields.length ? `  [${c.fields.join(', ')}]` : ''}`);
          if (c.kind === 'renumbered' && o && n && contentOf(ctx, o) === contentOf(ctx, n)) {
            ctx.print(`  ${truncate(contentOf(ctx, n), ctx.width - 2)}`);
            continue;
          }
          ctx.print(sideBySide(o ? contentOf(ctx, o) : '—', n ? contentOf(ctx, n) : '—', ctx.width));
          // Changes that live outside the words: the all-broker list of a header, a dated note.
          if (c.fields.includes('all_broker_items')) {
            ctx.print(`  ${ctx.t('show.allBrokers')}: ${o?.allBrokerItems?.join(', ') ?? '—'} → ${n?.allBrokerItems?.join(', ') ?? '—'}`);
          }
          if (c.fields.includes('effective_date')) ctx.print(`  ${ctx.t('show.effective')}: ${o?.effectiveDate ?? '—'} → ${n?.effectiveDate ?? '—'}`);
          if (c.kind !== 'added' && n?.amendedFragments.length) {
            ctx.print(`  ${ctx.t('show.amended')}: ${n.amendedFragments.map((f) => `「${truncate(f, 60)}」`).join(' ')}`);
          }
          if (n?.rationale && n.rationale.alignment !== 'unresolved') ctx.print(`  ${ctx.t('show.rationale')}: ${n.rationale.text}`);
        }
      }),
    );

  catalog
    .command('import-amendment')
    .description('匯入修正對照表（修正條文 / 現行條文 / 說明）/ import an amendment comparison table')
    .argument('<file>', 'the comparison table as text (UTF-8 or Big5)')
    .option('--id <id>', 'id of the amended version (default: its effective date)')
    .option('--effective-date <date>', 'effective date of the amended version (2023-08-23 or 112年8月23日)')
    .option('--current-id <id>', 'id of the current (現行) version (default: before-<id>)')
    .option('--current-effective-date <date>', 'effective date of the current version')
    .option('--encoding <enc>', 'utf-8 or big5 (default: detected)')
    .option('--dry-run', 'read and report, write nothing')
    .option('--as <user>', 'who is importing (recorded in the audit trail)')
    .option('--json', 'JSON output')
    .action(
      (
        file: string,
        o: { id?: string; effectiveDate?: string; currentId?: string; currentEffectiveDate?: string; encoding?: string; dryRun?: boolean; as?: string },
        cmd: Command,
      ) =>
        runner(cmd, async (ctx) => {
          const result = await importAmendmentFile(path.resolve(ctx.io.cwd, file), {
            amendedId: o.id,
            amendedEffectiveDate: parseDateOption(o.effectiveDate) ?? undefined,
            currentId: o.currentId,
            currentEffectiveDate: parseDateOption(o.currentEffectiveDate) ?? undefined,
            encoding: encodingOption(o.encoding),
          });
          const by = actorOf(ctx, o.as);
          const saved = o.dryRun
            ? { written: [], unchanged: [] }
            : await withCatalog(ctx.home, ctx.io.env, (c) => c.save([result.current, result.amended], by));
          const unresolved = result.notices.filter((n) => n.kind === 'rationale_unresolved');
          const corrections = result.notices.filter((n) => n.kind === 'correction_applied');
          if (ctx.json) {
            ctx.printJson({
              dry_run: !!o.dryRun,
              versions: [result.current, result.amended].map((v) => ({
                id: v.id,
                hash: v.hash,
                effective_date: v.effectiveDate,
                nodes: v.nodes.length,
                written: saved.written.some((w) => w.id === v.id),
              })),
              changes: result.diff.changes.map(presentChange),
              notices: result.notices,
            });
            return;
          }
          for (const v of [result.current, result.amended]) {
            if (o.dryRun) ctx.print(`${v.id}  ${shortHash(v.hash)}  ${v.nodes.length}`);
            else if (saved.written.includes(v)) ctx.print(ctx.t('import.wrote', { id: v.id, hash: shortHash(v.hash), n: v.nodes.length }));
            else ctx.print(ctx.t('import.unchanged', { id: v.id }));
          }
          if (o.dryRun) ctx.print(ctx.t('import.dryRun'));
          if (corrections.length) ctx.print(ctx.t('import.corrections', { n: corrections.length }));
          if (unresolved.length) ctx.print(ctx.t('import.unresolved', { n: unresolved.length }));
          ctx.print(ctx.t('import.changes', { n: result.diff.changes.length, from: result.current.id, to: result.amended.id }));
        }),
    );

  catalog
    .command('import-checklist')
    .description('以公司完整檢查表（XLSX/CSV）補齊原表省略的項次 / fill elided items from a firm checklist')
    .argument('<file>', '.xlsx or .csv with columns 項次/path, 條文/text (+ 標題/title, 控制代碼/cc_code, 查核頻率/frequency, 英文條文/text_en)')
    .requiredOption('--base <version>', 'the version the checklist completes')
    .option('--id <id>', 'id of the new version (default: <base>+firm)')
    .option('--effective-date <date>', 'effective date (default: the base version’s)')
    .option('--sheet <name>', 'XLSX sheet (default: the first)')
    .option('--encoding <enc>', 'CSV encoding: utf-8 or big5 (default: detected)')
    .option('--dry-run', 'read and report, write nothing')
    .option('--as <user>', 'who is importing (recorded in the audit trail)')
    .option('--json', 'JSON output')
    .action(
      (
        file: string,
        o: { base: string; id?: string; effectiveDate?: string; sheet?: string; encoding?: string; dryRun?: boolean; as?: string },
        cmd: Command,
      ) =>
        runner(cmd, async (ctx) => {
          const base = versionIn(await withCatalog(ctx.home, ctx.io.env, (c) => c.list()), o.base);
          const result = await importChecklistFile(path.resolve(ctx.io.cwd, file), base, {
            id: o.id ?? `${base.id}+firm`,
            effectiveDate: o.effectiveDate ? parseAnyDate(o.effectiveDate) : undefined,
            sheet: o.sheet,
            encoding: encodingOption(o.encoding),
          });
          const by = actorOf(ctx, o.as);
          const saved = o.dryRun ? { written: [], unchanged: [] } : await withCatalog(ctx.home, ctx.io.env, (c) => c.save([result.version], by));
          if (ctx.json) {
            ctx.printJson({
              dry_run: !!o.dryRun,
              version: {
                id: result.version.id,
                hash: result.version.hash,
                base: base.id,
                nodes: result.version.nodes.length,
                written: saved.written.length > 0,
              },
              filled: result.filled,
              added: result.added,
              created_parents: result.createdParents,
              conflicts: result.conflicts,
            });
            return;
          }
          const v = result.version;
          if (o.dryRun) ctx.print(ctx.t('import.dryRun'));
          else
            ctx.print(
              saved.written.length ? ctx.t('import.wrote', { id: v.id, hash: shortHash(v.hash), n: v.nodes.length }) : ctx.t('import.unchanged', { id: v.id }),
            );
          ctx.print(ctx.t('import.filled', { n: result.filled.length }));
          ctx.print(ctx.t('import.added', { n: result.added.length }));
          for (const c of result.conflicts) ctx.print(`  ${ctx.t('import.conflict', { row: c.row, path: c.path, field: c.field })}`);
        }),
    );

  catalog
    .command('checklist-template')
    .description('匯出檢查表範本，供公司填入完整條文 / write a checklist of a version for the firm to complete')
    .argument('<version>', 'version id')
    .requiredOption('-o, --output <file>', '.xlsx or .csv')
    .action((versionRef: string, o: { output: string }, cmd: Command) =>
      runner(cmd, async (ctx) => {
        const version = versionIn(await withCatalog(ctx.home, ctx.io.env, (c) => c.list()), versionRef);
        const out = path.resolve(ctx.io.cwd, o.output);
        // Loaded here, not at the top: only this command writes a workbook.
        const { checklistTemplate } = await import('../../reports/checklist-template.js');
        const { bytes, rows } = await checklistTemplate(version, o.output);
        writeFileSync(out, bytes);
        if (ctx.json) ctx.printJson({ file: out, rows });
        else ctx.print(ctx.t('template.wrote', { file: out, n: rows }));
      }),
    );
}
