import type { JobView } from '../../services/job-service.js';
import { anyObject, int, out, str, strOrNull } from '../schemas.js';
import { safeMessage } from './safe-message.js';

export function presentJob(j: JobView) {
  return {
    id: j.id,
    kind: j.kind,
    state: j.state,
    progress: { done: j.progress.done, total: j.progress.total },
    ...(j.result !== undefined ? { result: j.result } : {}),
    ...(j.error ? { error: { code: j.error.code, message: safeMessage(j.error.message) } } : {}),
    created_at: j.createdAt,
    finished_at: j.finishedAt,
  };
}
export const jobSchema = out({
  id: str,
  kind: str,
  state: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
  progress: out({ done: int, total: { type: 'integer', nullable: true } }),
  result: anyObject,
  error: out({ code: str, message: str }),
  created_at: str,
  finished_at: strOrNull,
});
