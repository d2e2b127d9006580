import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, existsSync, linkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CoreError } from '../core/errors.js';

/** What a use case hands a shell to write: the bytes, or a stream of them. */
export type FileBody = string | Buffer | Readable;

/**
 * Writes a file the user asked for (a report, an export, a package) so that it is whole or
 * absent: the bytes go to a temporary file in the same folder, which is renamed over the name
 * only once complete (a failing render or a broken stream leaves nothing behind). The file is
 * the owner's only (0600): reports and exports hold a firm's inspection results and evidence.
 * With `exclusive`, an existing file is never replaced (OUTPUT_EXISTS), even one that appears
 * while writing: the temporary file is linked to the name, which fails if the name is taken.
 */
export async function writeUserFile(file: string, body: FileBody | (() => Promise<FileBody>), o: { exclusive?: boolean } = {}): Promise<string> {
  if (o.exclusive && existsSync(file)) throw outputExists(file);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.part`);
  try {
    const bytes = typeof body === 'function' ? await body() : body;
    if (bytes instanceof Readable) await pipeline(bytes, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
    else writeFileSync(tmp, bytes, { flag: 'wx', mode: 0o600 });
    chmodSync(tmp, 0o600); // whatever the umask
    if (o.exclusive) {
      try {
        linkSync(tmp, file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw outputExists(file);
        throw e;
      }
    } else renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  return file;
}

const outputExists = (file: string) => new CoreError('OUTPUT_EXISTS', `${file} already exists; choose a new file name`, {}, { file });
