// Preloaded with `node --import` by the lazy-loading test: records every module the process
// loads into the file named by CCHECK_LOAD_LOG, one per line — ES modules as the loader resolves
// them (a resolve hook), CommonJS modules from the require cache when the process exits. The test
// judges WHAT was loaded, never how long it took.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const log = process.env.CCHECK_LOAD_LOG;
if (log) {
  const hook = `
    import { appendFileSync } from 'node:fs';
    let log;
    export function initialize(data) { log = data.log; }
    export async function resolve(specifier, context, next) {
      const r = await next(specifier, context);
      if (r.url.startsWith('file:')) appendFileSync(log, r.url + '\\n');
      return r;
    }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { log } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () =>
    appendFileSync(
      log,
      Object.keys(cache)
        .map((f) => `file://${f}\n`)
        .join(''),
    ),
  );
}
