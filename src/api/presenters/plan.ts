import type { Plan } from '../../core/plan/build-plan.js';
import { arr, bool, out, str, strOrNull } from '../schemas.js';

export function presentPlan(p: Plan) {
  return {
    version: p.version,
    from: p.from,
    to: p.to,
    today: p.today,
    entries: p.entries.map((e) => ({
      path: e.path,
      code: e.code,
      title: e.title,
      frequency: e.frequency,
      period: e.period.id,
      due: e.due,
      status: e.status,
      completed_on: e.completedOn,
      advisory: e.advisory,
    })),
    next: p.next.map((n) => ({ path: n.path, period: n.period.id, due: n.due, after: n.after })),
  };
}
export const planSchema = out({
  version: str,
  from: str,
  to: str,
  today: str,
  entries: arr(out({ path: str, code: strOrNull, title: str, frequency: str, period: str, due: str, status: str, completed_on: strOrNull, advisory: bool })),
  next: arr(out({ path: str, period: str, due: str, after: strOrNull })),
});
