import type { FastifyReply } from 'fastify';
import type { DocumentType, FileDocument } from '../../services/files/file-documents.js';

const EXTENSIONS: Readonly<Record<DocumentType, string>> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

/**
 * A scan as a download: never shown inline (a browser must not render a file an applicant
 * supplied inside the application's origin), never cached, under a name that says nothing personal.
 */
export function sendDocument(
  reply: FastifyReply,
  { document, bytes }: { document: FileDocument; bytes: Uint8Array },
): FastifyReply {
  return reply
    .type(document.contentType)
    .header(
      'content-disposition',
      `attachment; filename="scan-${document.id}.${EXTENSIONS[document.contentType]}"`,
    )
    .header('cache-control', 'no-store')
    .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
