import type { FastifyReply } from 'fastify';
import type { CsvFile } from '../../services/exports/exports-service.js';

/** A CSV file as a download, never cached (it holds what the session may read now). */
export function sendCsv(reply: FastifyReply, file: CsvFile): FastifyReply {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${file.fileName}"`)
    .header('cache-control', 'no-store')
    .send(file.body);
}
