import type { FastifyInstance } from 'fastify';
import { firmDashboard, type Tally } from '../../services/dashboard-service.js';
import { arr, bool, errors, firmParam, int, out, str, strOrNull } from '../schemas.js';
import type { RouteContext } from './context.js';

const tally = { compliant: int, non_compliant: int, undetermined: int, excluded: int, total: int };
const counts = (t: Tally) => ({ compliant: t.compliant, non_compliant: t.non_compliant, undetermined: t.undetermined, excluded: t.excluded, total: t.total });

export function dashboardRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  app.get(
    '/api/firms/:firm/dashboard',
    {
      config: { access: { action: 'report.read' } },
      schema: {
        tags: ['dashboard'],
        summary: 'compliance by point and CC code, trend across periods, overdue items, open findings by age, last catalog change',
        params: firmParam,
        response: {
          200: out({
            firm: out({ id: str, name: str, licence: str }),
            latest_period: strOrNull,
            by_point: arr(out({ point: str, ...tally })),
            by_code: arr(out({ code: str, ...tally })),
            trend: arr(out({ period: str, revision: int, signed: bool, rate: { type: 'number', nullable: true }, ...tally })),
            overdue: arr(out({ path: str, period: str, due: str, status: str })),
            findings_by_age: arr(out({ bucket: str, count: int })),
            catalog_change: {
              ...out({
                from: str,
                to: str,
                added: int,
                modified: int,
                renumbered: int,
                renumbered_and_modified: int,
                removed: int,
                changes: arr(out({ kind: str, path: strOrNull, old_path: strOrNull, code: strOrNull, fields: arr(str) })),
              }),
              nullable: true,
            },
          }),
          ...errors(401, 403, 404),
        },
      },
    },
    async (request) => {
      // The firm row the access check read: not resolved a second time.
      const d = await firmDashboard(deps.inspections, request.firm!);
      return {
        firm: { id: d.firm.id, name: d.firm.name, licence: d.firm.licence },
        latest_period: d.latestPeriod,
        by_point: d.byPoint.map((p) => ({ point: p.point, ...counts(p) })),
        by_code: d.byCode.map((c) => ({ code: c.code, ...counts(c) })),
        trend: d.trend.map((t) => ({
          period: t.period,
          revision: t.revision,
          signed: t.signed,
          rate: t.rate === null ? null : Math.round(t.rate * 1000) / 1000,
          ...counts(t),
        })),
        overdue: d.overdue.map((o) => ({ path: o.path, period: o.period, due: o.due, status: o.status })),
        findings_by_age: d.findingsByAge.map((b) => ({ bucket: b.bucket, count: b.count })),
        catalog_change: d.catalogChange
          ? {
              from: d.catalogChange.from,
              to: d.catalogChange.to,
              ...d.catalogChange.counts,
              changes: d.catalogChange.changes.map((c) => ({ kind: c.kind, path: c.path, old_path: c.oldPath, code: c.code, fields: [...c.fields] })),
            }
          : null,
      };
    },
  );
}
