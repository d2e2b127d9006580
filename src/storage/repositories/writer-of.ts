import type { AuditedWriter } from '../audited-writer.js';

/** Writes happen only inside InspectionStore.write, where an audited writer exists: a write outside one is a bug. */
export function writerOf(w: AuditedWriter | null): AuditedWriter {
  if (!w) throw new Error('ccheck: a repository write outside InspectionStore.write (it would not be audited)');
  return w;
}
