import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { EvidenceManifestFile, MANIFEST_FILE, type EvidenceFileHead, type EvidenceManifest } from '../core/analysis/match-evidence.js';
import { CoreError, isCoreError, type Problem } from '../core/errors.js';
import { parseYamlText, yamlToData } from '../formats/yaml-input.js';
import { decodeText, READ_LIMITS, readHeadBytes, readTextFile } from './read-text-file.js';
import { fieldName, lineOf } from './yaml-lines.js';
import { readXlsxFirstRow } from './xlsx-archive.js';

/** A file of the evidence folder that ccheck will not read, and why, in both languages. */
export interface NotUsedFile {
  readonly path: string;
  readonly reason: string;
  readonly reasonZh: string;
}

export interface EvidenceFolderScan {
  readonly files: EvidenceFileHead[];
  /** Files skipped before matching (symbolic links, suspicious archives): listed, never dropped silently. */
  readonly notUsed: NotUsedFile[];
}

/** The head as text (see readHeadBytes); '' for a binary file such as a PDF. */
async function headOf(file: string, rel: string, notUsed: NotUsedFile[]): Promise<string> {
  if (/\.xlsx$/i.test(file)) {
    // Only the first row, inflated to a fixed bound: a zip bomb lying in the folder costs nothing.
    try {
      return (await readXlsxFirstRow(file)).join(',');
    } catch (e) {
      if (isCoreError(e) && e.code === 'INPUT_ARCHIVE_SUSPICIOUS')
        notUsed.push({
          path: rel,
          reason: `not unpacked for recognition: ${String(e.params.reason)}`,
          reasonZh: `未解壓縮辨識：${String(e.params.reason_zh)}`,
        });
      return '';
    }
  }
  try {
    return decodeText(await readHeadBytes(file), file).text;
  } catch {
    return '';
  }
}

/**
 * Every file of an evidence folder with its head, paths relative to the folder. Hidden files and
 * folders (such as ccheck's own `.ccheck`) and reports ccheck wrote there are not evidence.
 * Symbolic links are not followed (a link could bring any file of the machine into the vault):
 * they are listed as not used, with the reason.
 */
export async function scanEvidenceFolder(dir: string): Promise<EvidenceFolderScan> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CoreError('INPUT_FILE_NOT_FOUND', `${dir}: no such folder`, {}, { file: dir });
  const files: EvidenceFileHead[] = [];
  const notUsed: NotUsedFile[] = [];
  const walk = async (rel: string) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.') || /^inspection-report-/.test(e.name)) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) files.push({ path: r, head: r === MANIFEST_FILE ? '' : await headOf(path.join(dir, r), r, notUsed) });
      else if (e.isSymbolicLink())
        notUsed.push({
          path: r,
          reason: 'symbolic link: not followed (copy the file itself into the folder)',
          reasonZh: '符號連結：不跟隨（請將檔案本身複製到資料夾中）',
        });
      else notUsed.push({ path: r, reason: 'not a regular file (device, pipe or socket)', reasonZh: '不是一般檔案（裝置、管道或通訊端）' });
    }
  };
  await walk('');
  return { files, notUsed };
}

/** Reads ccheck-evidence.yaml if the folder has one; every problem at once, with its line and field. */
export async function readEvidenceManifest(dir: string): Promise<EvidenceManifest | null> {
  const file = path.join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return null;
  return parseEvidenceManifest((await readTextFile(file, undefined, READ_LIMITS.yaml)).text, file);
}

/** The manifest from its text; `file` names it in every problem. */
export function parseEvidenceManifest(text: string, file: string): EvidenceManifest {
  const { doc, counter } = parseYamlText(text, file, READ_LIMITS.yaml);
  const problems: Problem[] = doc.errors.map((e) => ({
    location: { file, line: counter.linePos(e.pos[0]).line },
    en: `YAML syntax: ${e.message.split('\n')[0]}`,
    zh: `YAML 語法錯誤：${e.message.split('\n')[0]}`,
  }));
  if (!problems.length) {
    const parsed = EvidenceManifestFile.safeParse(yamlToData(doc, file, text.length, counter) ?? {});
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      for (const key of keys) {
        const field = fieldName(key === undefined ? issue.path : [...issue.path, key]) || '(file)';
        problems.push({
          location: { file, line: lineOf(doc, counter, issue.path, key), field },
          en: key === undefined ? `${field}: ${issue.message}` : `unknown key ${field}`,
          zh: key === undefined ? `${field}：${issue.message}` : `未知的欄位 ${field}`,
        });
      }
    }
  }
  throw new CoreError(
    'EVIDENCE_MANIFEST_INVALID',
    `${file}: ${problems.length} problem(s)`,
    { count: problems.length },
    { file, line: problems[0]?.location.line },
    problems,
  );
}
