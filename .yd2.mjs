import { parseDocument } from 'yaml';
const n=+process.argv[2];
for (const t of ['['.repeat(n), '- '.repeat(n)+'x']) {
  const t0=Date.now();
  try { const d = parseDocument(t); console.log('parsed', d.errors.length, d.errors[0]?.code, d.errors[0]?.message.slice(0,100)); d.toJS(); console.log(n, 'ok', Date.now()-t0); } catch (e) { console.log(n, e.constructor.name, e.message.slice(0,80)); }
}
