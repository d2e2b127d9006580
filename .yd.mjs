import { parseDocument } from 'yaml';
const [kind, n] = [process.argv[2], +process.argv[3]];
const t = kind==='flow' ? '['.repeat(n) : kind==='seq' ? '- '.repeat(n)+'x' : kind==='map' ? Array.from({length:n},(_, i)=>' '.repeat(i)+'a:').join('\n') : '{a: '.repeat(n)+'1'+'}'.repeat(n);
const t0=Date.now();
try { const d = parseDocument(t); d.toJS(); console.log(kind, n, 'ok', d.errors.length, Date.now()-t0, 'ms'); } catch (e) { console.log(kind, n, e.constructor.name, e.message.slice(0,80)); }
