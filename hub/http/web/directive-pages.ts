import type { FastifyInstance } from 'fastify';
import { formatCell } from '../../dashboards/format.js';
import { REMINDER_AFTER_MS } from '../../services/directives/remind-directives.js';
import { renderHubPage } from './render.js';
import type { HubWebDeps } from './web-deps.js';
import { webGuard } from './web-guard.js';

const PRIORITY: Readonly<Record<string, string>> = {
  low: 'basse',
  normal: 'normale',
  high: 'haute',
  urgent: 'urgente',
};

/** The latest directives with, for each, how many missions received, acknowledged, are overdue. */
export async function directivePages(app: FastifyInstance, deps: HubWebDeps): Promise<void> {
  app.get('/directives', { preHandler: webGuard(deps, 'directives.read') }, async (request, reply) => {
    const now = deps.now?.() ?? new Date();
    const rows = await deps.db.query<{
      id: string;
      title: { fr?: string };
      priority: string;
      requires_ack: boolean;
      issued_at: Date;
      issued_by: string;
      targeted: number;
      received: number;
      acknowledged: number;
      overdue: number;
    }>(
      `SELECT d.id, d.title, d.priority, d.requires_ack, d.issued_at, d.issued_by,
              count(s.mission_id) AS targeted,
              count(s.received_at) AS received,
              count(s.acknowledged_at) AS acknowledged,
              count(*) FILTER (WHERE d.requires_ack AND s.acknowledged_at IS NULL AND s.sent_at <= $1
                                 AND (d.expires_at IS NULL OR d.expires_at > $2)) AS overdue
         FROM directives d LEFT JOIN directive_status s ON s.directive_id = d.id
        GROUP BY d.id ORDER BY d.issued_at DESC LIMIT 100`,
      [new Date(now.getTime() - REMINDER_AFTER_MS), now],
    );
    return renderHubPage(request, reply, 'directives', {
      title: 'Directives',
      live: true,
      liveMission: '',
      directives: rows.map((row) => ({
        title: row.title?.fr ?? '—',
        priority: PRIORITY[row.priority] ?? row.priority,
        issuedAt: formatCell(new Date(row.issued_at), 'instant'),
        issuedBy: row.issued_by,
        targeted: Number(row.targeted),
        received: Number(row.received),
        acknowledged: row.requires_ack ? String(row.acknowledged) : 'sans objet',
        overdue: Number(row.overdue),
      })),
    });
  });
}
