import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { EvidenceManifestFile, MANIFEST_FILE, type EvidenceFileHead, type EvidenceManifest } from '../core/analysis/match-evidence.js';
import { CoreError, type Problem } from '../core/errors.js';
import { readTableFile } from './read-table-file.js';
import { decodeText, readHeadBytes, readTextFile } from './read-text-file.js';
import { fieldName, lineOf } from './yaml-lines.js';

/** The head as text (see readHeadBytes); '' for a binary file such as a PDF. */
async function headOf(file: string): Promise<string> {
  if (/\.xlsx$/i.test(file)) {
    try {
      return (await readTableFile(file)).headers.join(',');
    } catch {
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
 */
export async function scanEvidenceFolder(dir: string): Promise<EvidenceFileHead[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CoreError('INPUT_FILE_NOT_FOUND', `${dir}: no such folder`, {}, { file: dir });
  const out: EvidenceFileHead[] = [];
  const walk = async (rel: string) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.') || /^inspection-report-/.test(e.name)) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) out.push({ path: r, head: r === MANIFEST_FILE ? '' : await headOf(path.join(dir, r)) });
    }
  };
  await walk('');
  return out;
}

/** Reads ccheck-evidence.yaml if the folder has one; every problem at once, with its line and field. */
export async function readEvidenceManifest(dir: string): Promise<EvidenceManifest | null> {
  const file = path.join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return null;
  const text = (await readTextFile(file)).text;
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = doc.errors.map((e) => ({
    location: { file, line: counter.linePos(e.pos[0]).line },
    en: `YAML syntax: ${e.message.split('\n')[0]}`,
    zh: `YAML 語法錯誤：${e.message.split('\n')[0]}`,
  }));
  if (!problems.length) {
    const parsed = EvidenceManifestFile.safeParse(doc.toJS() ?? {});
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
