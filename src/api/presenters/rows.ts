import type { InspectionService } from '../../services/inspection-service.js';
import type { RunView } from '../../services/run-view-service.js';

/** What the use cases return, named for the presenters (the API never imports storage itself). */
export type FirmRow = Awaited<ReturnType<InspectionService['firm']>>;
export type RunRow = RunView['run'];
export type SignoffRow = NonNullable<RunView['signoff']>;
export type FindingRow = Awaited<ReturnType<InspectionService['listFindings']>>[number];
