import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formatCell } from '../../dashboards/format.js';
import { ROLL_CALL_COLUMNS, rollCallRows } from '../../services/roll-calls/roll-call-csv.js';
import type { RollCallTotals } from '../../services/roll-calls/roll-call-read.js';
import type { RollCallsService } from '../../services/roll-calls/roll-calls-service.js';
import { renderHubPage } from './render.js';
import { sendCsv } from './send-csv.js';
import { type HubWebDeps, WEB_BASE } from './web-deps.js';
import { webGuard } from './web-guard.js';

const LIST_PATH = `${WEB_BASE}/appels`;
const params = z.strictObject({ id: z.uuid() });

/** The counts as the pages show them, in French number format. */
function totalsCells(totals: RollCallTotals) {
  const n = (value: number) => formatCell(value, 'int');
  return {
    people: n(totals.people),
    reached: n(totals.reached),
    safe: n(totals.safe),
    needHelp: n(totals.needHelp),
    notInZone: n(totals.notInZone),
    noAnswer: n(totals.noAnswer),
  };
}

/**
 * Crisis roll-calls at HQ: the roll-calls ordered, with their counts network-wide, and those the
 * missions started themselves; one ordered roll-call with its counts per mission and its CSV.
 * Live as the missions' counts arrive (the change feed's `events` notices). Counts only.
 */
export function rollCallPages(rollCalls: RollCallsService): FastifyPluginAsync<HubWebDeps> {
  return async (app: FastifyInstance, deps: HubWebDeps) => {
    const pages = app.withTypeProvider<ZodTypeProvider>();
    app.hubNav.add({ href: LIST_PATH, label: 'Appels de crise', permission: 'directives.read', order: 35 });

    pages.get('/appels', { preHandler: webGuard(deps, 'directives.read') }, async (request, reply) => {
      const { ordered, local } = await rollCalls.list();
      return renderHubPage(request, reply, 'roll-calls', {
        title: 'Appels de crise',
        live: true,
        liveMission: '',
        ordered: ordered.map((rollCall) => ({
          href: `${LIST_PATH}/${rollCall.id}`,
          title: rollCall.title,
          issuedAt: formatCell(new Date(rollCall.issuedAt), 'instant'),
          endsAt: formatCell(new Date(rollCall.endsAt), 'instant'),
          missions: `${rollCall.reporting}/${rollCall.missionCount}`,
          ...totalsCells(rollCall.totals),
        })),
        local: local.map((rollCall) => ({
          missionId: rollCall.missionId,
          title: rollCall.title,
          state: rollCall.state === 'open' ? 'ouvert' : 'clos',
          startedAt: formatCell(new Date(rollCall.startedAt), 'instant'),
          ...totalsCells(rollCall.counts),
        })),
      });
    });

    pages.get(
      '/appels/:id',
      { schema: { params }, preHandler: webGuard(deps, 'directives.read') },
      async (request, reply) => {
        const detail = await rollCalls.detail(request.params.id);
        if (!detail) return reply.callNotFound();
        return renderHubPage(request, reply, 'roll-call', {
          title: detail.title,
          live: true,
          liveMission: '',
          rollCall: {
            title: detail.title,
            message: detail.message.fr,
            issuedAt: formatCell(new Date(detail.issuedAt), 'instant'),
            issuedBy: detail.issuedBy,
            endsAt: formatCell(new Date(detail.endsAt), 'instant'),
            zone: zoneLabel(detail.zone),
            needHelpList: detail.needHelpList,
            reporting: `${detail.reporting} mission(s) sur ${detail.missionCount} ont envoyé leurs comptes`,
          },
          csvHref: `${WEB_BASE}/export/appels/${detail.id}.csv`,
          columns: ROLL_CALL_COLUMNS.map((column) => column.label),
          rows: rollCallRows(detail).map((row) =>
            ROLL_CALL_COLUMNS.map((column) => formatCell(row[column.key] ?? null, column.format)),
          ),
        });
      },
    );

    pages.get(
      '/export/appels/:id.csv',
      { schema: { params }, preHandler: webGuard(deps, 'directives.read') },
      async (request, reply) => {
        const file = await rollCalls.csv(request.params.id);
        if (!file) return reply.callNotFound();
        return sendCsv(reply, file);
      },
    );
  };
}

function zoneLabel(zone: unknown): string {
  const value = zone as { all?: true; cities?: string[]; regions?: string[] };
  if (value.cities) return `villes : ${value.cities.join(', ')}`;
  if (value.regions) return `régions : ${value.regions.join(', ')}`;
  return 'tous les ressortissants inscrits';
}
