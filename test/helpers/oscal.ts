import path from 'node:path';
import { EXTERNAL } from './corpus.js';

/** NIST's OSCAL schemas and example content in the corpus (never copied into the repository). */
export const OSCAL_DIR = path.join(EXTERNAL, 'oscal');
export const oscalSchema = (version: string) => path.join(OSCAL_DIR, `schema-${version}`, 'oscal_complete_schema.json');
export const oscalContent = (file: string) => path.join(OSCAL_DIR, 'content', file);
