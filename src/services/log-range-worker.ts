// A worker thread of the range pool (range-workers.ts): scans one byte range of a large log with
// the analyzer's own range scanner and returns its plain result. Loads only the scanners and the
// range reader, no spreadsheet, database or CLI code.
import type { MessagePort } from 'node:worker_threads';
import { MONITORING_SCANNER, scanMonitoringRange, type MonitoringScanParams } from '../analyzers/log-monitoring/monitoring-scan.js';
import { scanTrailRange, TRAILS_SCANNER, type TrailScanParams } from '../analyzers/pd-trails/trail-scan.js';
import { readRangeBytes, type RangeScanTask } from '../io/file-ranges.js';

/** Every range scanner by the name an analyzer asks for it (`EvidenceRange.scan`). */
const SCANNERS: Readonly<Record<string, (chunks: AsyncIterable<Buffer>, params: unknown) => Promise<unknown>>> = {
  [MONITORING_SCANNER]: (chunks, params) => scanMonitoringRange(chunks, params as MonitoringScanParams),
  [TRAILS_SCANNER]: (chunks, params) => scanTrailRange(chunks, params as TrailScanParams),
};

/** What the pool sends: the range, and a port to report bytes read on (the terminal's progress bar). */
export interface RangeJob {
  readonly task: RangeScanTask;
  readonly progress?: MessagePort;
}

export default async function scanRangeJob({ task, progress }: RangeJob): Promise<unknown> {
  try {
    const scan = SCANNERS[task.scanner];
    if (!scan) throw new Error(`no range scanner "${task.scanner}" in the worker`);
    return await scan(readRangeBytes(task.file, task.start, task.end, progress && ((n) => progress.postMessage(n))), task.params);
  } finally {
    // Closing after the last count: the pool's end of the channel closes once it has them all.
    progress?.close();
  }
}
