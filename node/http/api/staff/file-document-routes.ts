import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  documentLabelSchema,
  documentTypeSchema,
  MAX_DOCUMENT_BYTES,
} from '../../../services/files/file-documents.js';
import { sendDocument } from '../../staff/document-download.js';
import { principalOf, requireStaff } from '../../staff/staff-auth.js';
import type { StaffHttpDeps } from '../../staff/staff-deps.js';

/** The body types the upload route reads as raw bytes (a scan's own type, never form-encoded). */
export const DOCUMENT_UPLOAD_TYPES: readonly string[] = documentTypeSchema.options;

/** The media type of a Content-Type header, without its parameters, in lower case. */
export function mediaTypeOf(contentType: string | undefined): string {
  return contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
}

const fileParams = z.strictObject({ id: z.uuid() });

/**
 * Scanned documents of a file: `POST /files/:id/documents?label=` with the scan as the body, in its
 * own type (no multipart, no base64: a third fewer bytes on a slow line), and the scan itself. The
 * list comes with the file's detail.
 */
export async function staffFileDocumentRoutes(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { files, staff } = deps.domain;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const canHandle = requireStaff(staff, 'files.documents');
  app.addContentTypeParser(
    [...DOCUMENT_UPLOAD_TYPES],
    { parseAs: 'buffer', bodyLimit: MAX_DOCUMENT_BYTES },
    (_request, body, done) => done(null, body),
  );

  api.post(
    '/files/:id/documents',
    {
      preHandler: canHandle,
      bodyLimit: MAX_DOCUMENT_BYTES,
      schema: {
        params: fileParams,
        querystring: z.strictObject({ label: documentLabelSchema }),
      },
    },
    async (request, reply) => {
      const document = await files.addDocument(
        request.params.id,
        {
          label: request.query.label,
          contentType: mediaTypeOf(request.headers['content-type']),
          bytes: request.body as Buffer,
        },
        principalOf(request).username,
      );
      return reply.status(201).send(document);
    },
  );

  api.get(
    '/files/:id/documents/:documentId',
    { preHandler: canHandle, schema: { params: fileParams.extend({ documentId: z.uuid() }) } },
    async (request, reply) => {
      return sendDocument(reply, await files.readDocument(request.params.id, request.params.documentId));
    },
  );
}
