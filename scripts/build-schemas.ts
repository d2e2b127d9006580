// Writes data/schemas/firm-profile.schema.json from the profile model (a test keeps it current).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/io/catalog-data.js';
import { profileJsonSchema } from '../src/services/firm-service.js';

const file = path.join(packageRoot(), 'data', 'schemas', 'firm-profile.schema.json');
writeFileSync(file, `${JSON.stringify(profileJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file}`);
