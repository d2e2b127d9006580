// Rebuilds data/catalog/versions/*.json from the sources in data/catalog/sources.yaml.
// Usage: npm run catalog:build   (the seed ships in data/catalog/seed/; nothing outside the repository is read)
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { builtinVersionsDir } from '../src/io/catalog-data.js';
import { buildCommittedVersions } from '../src/services/catalog-service.js';
import { serializeVersion } from '../src/storage/catalog-store.js';

const { versions, imports } = await buildCommittedVersions();
const dir = builtinVersionsDir();
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) if (f.endsWith('.json')) rmSync(path.join(dir, f));
for (const v of versions) {
  writeFileSync(path.join(dir, `${v.id}.json`), serializeVersion(v));
  console.log(`${v.id}\t${v.hash}\t${v.nodes.length} nodes`);
}
for (const i of imports) {
  const unresolved = i.notices.filter((n) => n.kind === 'rationale_unresolved').length;
  console.log(`${i.current.id} → ${i.amended.id}: ${i.diff.changes.length} changes, ${unresolved} rationales unresolved`);
}
