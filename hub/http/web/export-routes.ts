import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { missionIdSchema } from '../../../protocol/index.js';
import { periodQuerySchema } from '../../dashboards/period.js';
import { TABLE_IDS, type TableId } from '../../dashboards/tables.js';
import { canSeeTable } from './dashboard-view.js';
import { sendCsv } from './send-csv.js';
import type { HubWebDeps } from './web-deps.js';
import { WebForbidden, webGuard, webUser } from './web-guard.js';

const CSV_FILES = TABLE_IDS.map((id) => `${id}.csv`) as [string, ...string[]];

/**
 * `GET /web/export/<table>.csv?periode=|du=&au=&mission=`: every table of the dashboards as a
 * CSV file, over the same period and scope as the page it is linked from.
 */
export async function exportRoutes(app: FastifyInstance, deps: HubWebDeps): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/export/:file',
    {
      schema: {
        params: z.strictObject({ file: z.enum(CSV_FILES) }),
        querystring: periodQuerySchema({ mission: missionIdSchema.optional() }),
      },
      preHandler: webGuard(deps, 'dashboard.read'),
    },
    async (request, reply) => {
      const id = request.params.file.replace(/\.csv$/, '') as TableId;
      if (!canSeeTable(webUser(request), id)) throw new WebForbidden();
      const { mission, ...filter } = request.query;
      return sendCsv(reply, await deps.services.exports.dashboardTable(id, filter, mission));
    },
  );
}
