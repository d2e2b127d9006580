import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/multipart';
import { CoreError } from '../../core/errors.js';
import { verifyUploadedPackage } from '../../services/evidence-stream-service.js';
import { safeMessage } from '../presenters/safe-message.js';
import { arr, bool, errors, int, out, str, strOrNull } from '../schemas.js';
import type { RouteContext } from './context.js';

export function packageRoutes(app: FastifyInstance, { deps, uploadMaxBytes }: RouteContext): void {
  app.post(
    '/api/packages/verify',
    {
      config: { access: { action: 'report.read' } },
      schema: {
        tags: ['reports'],
        summary: 'verify a signed package (multipart, one part "file"): signature, every hash, and that this store still holds the signed audit head',
        consumes: ['multipart/form-data'],
        response: {
          200: out({
            ok: bool,
            fingerprint: strOrNull,
            firm: strOrNull,
            period: strOrNull,
            revision: { type: 'integer', nullable: true },
            files: int,
            audit_head: { ...out({ seq: int, hash: str }), nullable: true },
            store: { ...out({ checked: bool, holds_head: bool, detail: str }), nullable: true },
            problems: arr(out({ file: str, kind: str, detail: str })),
          }),
          ...errors(400, 401, 403, 413),
        },
      },
    },
    async (request) => {
      if (!request.isMultipart()) throw new CoreError('INPUT_FILE_NOT_FOUND', 'send the package as multipart/form-data, in a part named "file"', {});
      const file = await request.file();
      if (!file) throw new CoreError('INPUT_FILE_NOT_FOUND', 'no file: send it in a part named "file"', {});
      const v = await verifyUploadedPackage(deps.inspections, file.file, file.filename, uploadMaxBytes);
      const m = v.manifest;
      return {
        ok: v.ok,
        fingerprint: v.fingerprint,
        firm: m ? `${m.firm.name} (${m.firm.licence})` : null,
        period: m?.period ?? null,
        revision: m?.revision ?? null,
        files: m?.files.length ?? 0,
        audit_head: m ? { seq: m.auditHead.seq, hash: m.auditHead.hash } : null,
        store: v.store ? { checked: v.store.checked, holds_head: v.store.holdsHead, detail: safeMessage(v.store.detail) } : null,
        problems: v.problems.map((p) => ({ file: p.file, kind: p.kind, detail: safeMessage(p.detail) })),
      };
    },
  );
}
