import type { FastifyInstance } from 'fastify';
import { firmsAllowed } from '../../core/people/roles.js';
import { firmCalendar, firmPlan, firmSummary, profileFromJson, replaceProfile } from '../../services/firm-view-service.js';
import { firmSchema, firmSummarySchema, presentFirm, presentFirmSummary } from '../presenters/firm.js';
import { presentPlan, planSchema } from '../presenters/plan.js';
import { anyObject, arr, bool, errors, firmParam, int, isoDate, obj, out, str } from '../schemas.js';
import { actorOf, firmOf, type RouteContext } from './context.js';

export function firmRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const s = deps.inspections;

  app.get(
    '/api/firms',
    {
      config: { access: { action: 'firm.read' } },
      schema: { tags: ['firms'], summary: 'firms the caller may read', response: { 200: out({ firms: arr(firmSchema) }), ...errors(401, 403) } },
    },
    async (request) => {
      const allowed = firmsAllowed(actorOf(request).grants, 'firm.read');
      const firms = (await s.listFirms()).filter((f) => allowed === 'all' || allowed.includes(f.id));
      return { firms: firms.map(presentFirm) };
    },
  );

  app.post(
    '/api/firms',
    {
      config: { access: { action: 'firm.create' } },
      schema: {
        tags: ['firms'],
        summary: 'add a firm from its profile (the YAML file as JSON)',
        body: obj({ profile: anyObject }),
        response: { 201: out({ firm: firmSchema }), ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const { profile } = request.body as { profile: unknown };
      const firm = await s.addFirm(actorOf(request), profileFromJson(profile));
      return reply.status(201).send({ firm: presentFirm(firm) });
    },
  );

  app.get(
    '/api/firms/:firm',
    {
      config: { access: { action: 'firm.read' } },
      schema: {
        tags: ['firms'],
        summary: 'profile, applicability summary and advice',
        params: firmParam,
        response: { 200: firmSummarySchema, ...errors(401, 403, 404) },
      },
    },
    async (request) => presentFirmSummary(await firmSummary(s, firmOf(request))),
  );

  app.put(
    '/api/firms/:firm/profile',
    {
      config: { access: { action: 'firm.edit' } },
      schema: {
        tags: ['firms'],
        summary: "replace the firm's profile (validated as `ccheck profile check`)",
        params: firmParam,
        body: obj({ profile: anyObject }),
        response: { 200: out({ firm: firmSchema, changed: bool }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { profile } = request.body as { profile: unknown };
      const { firm, changed } = await replaceProfile(s, actorOf(request), firmOf(request), profile);
      return { firm: presentFirm(firm), changed };
    },
  );

  app.put(
    '/api/firms/:firm/retention',
    {
      config: { access: { action: 'firm.edit' } },
      schema: {
        tags: ['firms'],
        summary: 'how many years signed inspections and packages are kept',
        params: firmParam,
        body: obj({ years: int }),
        response: { 200: out({ years: int, set_by: str, set_at: str }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { years } = request.body as { years: number };
      const r = await s.setRetention(actorOf(request), firmOf(request), years);
      return { years: Number(r.years), set_by: r.set_by, set_at: r.set_at };
    },
  );

  const range = obj({ from: isoDate, to: isoDate }, []);
  app.get(
    '/api/firms/:firm/plan',
    {
      config: { access: { action: 'firm.read' } },
      schema: {
        tags: ['plan'],
        summary: 'due / overdue / next',
        params: firmParam,
        querystring: range,
        response: { 200: planSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => presentPlan((await firmPlan(s, firmOf(request), request.query as { from?: string; to?: string })).plan),
  );

  app.get(
    '/api/firms/:firm/calendar.ics',
    {
      config: { access: { action: 'firm.read' } },
      schema: { tags: ['plan'], summary: 'the plan as iCalendar (text/calendar)', params: firmParam, querystring: range },
    },
    async (request, reply) =>
      reply.type('text/calendar; charset=utf-8').send(await firmCalendar(s, firmOf(request), request.query as { from?: string; to?: string })),
  );
}
