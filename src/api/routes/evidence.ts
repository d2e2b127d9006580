import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/multipart';
import { CoreError } from '../../core/errors.js';
import { openEvidence, storeEvidenceStream } from '../../services/evidence-stream-service.js';
import { arr, bool, errors, firmParam, int, obj, out, str, strOrNull } from '../schemas.js';
import { actorOf, attachment, firmOf, type RouteContext } from './context.js';

export const evidenceSchema = out({ sha256: str, name: str, size: int, collected_at: str, uploaded_at: str, uploaded_by: str, expires_on: strOrNull });

export function evidenceRoutes(app: FastifyInstance, { deps, uploadMaxBytes }: RouteContext): void {
  const s = deps.inspections;

  app.post(
    '/api/firms/:firm/evidence',
    {
      config: { access: { action: 'evidence.upload' } },
      // No body schema: multipart is streamed part by part (the file straight into the vault).
      schema: {
        tags: ['evidence'],
        summary: 'upload one evidence file (multipart; fields before the file), streamed into the encrypted vault',
        params: firmParam,
        consumes: ['multipart/form-data'],
        response: {
          201: out({ sha256: str, size: int, name: str, reused: bool, attached_to: strOrNull }),
          ...errors(400, 401, 403, 404, 409, 413),
        },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new CoreError('INPUT_FILE_NOT_FOUND', 'send the file as multipart/form-data, in a part named "file"', {});
      const firmId = firmOf(request);
      const fields: Record<string, string> = {};
      let stored: Awaited<ReturnType<typeof storeEvidenceStream>> | null = null;
      for await (const part of request.parts()) {
        if (part.type === 'field') fields[part.fieldname] = String(part.value);
        else if (part.fieldname === 'file' && !stored) {
          stored = await storeEvidenceStream(
            s,
            actorOf(request),
            firmId,
            { stream: part.file, name: part.filename, collectedAt: fields.collected_at ?? '', expiresOn: fields.expires_on || null },
            uploadMaxBytes,
          );
        } else part.file.resume();
      }
      if (!stored) throw new CoreError('INPUT_FILE_NOT_FOUND', 'no file: send it in a part named "file"', {});
      let attachedTo: string | null = null;
      if (fields.item && fields.period) {
        await s.attachEvidence(actorOf(request), { firm: firmId, period: fields.period, path: fields.item }, stored.evidence.sha256);
        attachedTo = fields.item;
      }
      const e = stored.evidence;
      return reply.status(201).send({ sha256: e.sha256, size: Number(e.size), name: e.name, reused: stored.reused, attached_to: attachedTo });
    },
  );

  app.get(
    '/api/firms/:firm/evidence',
    {
      config: { access: { action: 'evidence.read' } },
      schema: {
        tags: ['evidence'],
        summary: "the firm's evidence index",
        params: firmParam,
        response: { 200: out({ evidence: arr(evidenceSchema) }), ...errors(401, 403, 404) },
      },
    },
    async (request) => ({
      evidence: (await s.listEvidence(firmOf(request))).map((e) => ({
        sha256: e.sha256,
        name: e.name,
        size: Number(e.size),
        collected_at: e.collected_at,
        uploaded_at: e.uploaded_at,
        uploaded_by: e.uploaded_by,
        expires_on: e.expires_on,
      })),
    }),
  );

  app.get(
    '/api/firms/:firm/evidence/:sha256',
    {
      config: { access: { action: 'evidence.read' } },
      schema: {
        tags: ['evidence'],
        summary: 'download an evidence file (decrypted and re-hashed before the first byte)',
        params: obj({ firm: str, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } }),
      },
    },
    async (request, reply) => {
      const { name, size, stream } = await openEvidence(s, firmOf(request), (request.params as { sha256: string }).sha256);
      reply.type('application/octet-stream').header('content-disposition', attachment(name)).header('content-length', size);
      return reply.send(stream);
    },
  );
}
