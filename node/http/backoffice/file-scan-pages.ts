import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_DOCUMENT_BYTES } from '../../services/files/file-documents.js';
import { sendDocument } from '../staff/document-download.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { pageGuard, pagePrincipal } from './page-guard.js';
import { done } from './page-render.js';

const idParams = z.strictObject({ id: z.uuid() });
const csrfField = z.string().max(200);

/**
 * A file's scans in the back office: the upload form's target and the download. The only
 * multipart route of the back office, in a scope of its own, so no other form is parsed as one.
 */
export async function fileScanPages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { files } = deps.domain;
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const canHandleDocuments = pageGuard(deps, 'files.documents');
  // The form's parts in memory (a scan is 10 MB at most), with the type the browser declared.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 4 },
    async onFile(part) {
      (part as { value?: unknown }).value = { bytes: await part.toBuffer(), type: part.mimetype };
    },
  });

  pages.post(
    '/dossiers/:id/pieces',
    {
      schema: {
        hide: true,
        params: idParams,
        body: z.strictObject({
          _csrf: csrfField,
          label: z.string().max(200),
          scan: z.strictObject({ bytes: z.instanceof(Buffer), type: z.string().max(100) }),
        }),
      },
      // Before the body is read: a stranger's upload is refused before it fills memory.
      onRequest: canHandleDocuments,
      preHandler: app.csrfProtection,
    },
    async (request, reply) => {
      const { label, scan } = request.body;
      await files.addDocument(
        request.params.id,
        { label, contentType: scan.type, bytes: scan.bytes },
        pagePrincipal(request).username,
      );
      return done(reply, `/dossiers/${request.params.id}`, 'document_added');
    },
  );

  pages.get(
    '/dossiers/:id/pieces/:documentId',
    {
      schema: { hide: true, params: idParams.extend({ documentId: z.uuid() }) },
      preHandler: canHandleDocuments,
    },
    async (request, reply) => {
      return sendDocument(reply, await files.readDocument(request.params.id, request.params.documentId));
    },
  );
}
