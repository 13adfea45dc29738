import { formatCell } from '../../dashboards/format.js';
import { type MissionOffsite, OFFSITE_OVERDUE_HOURS } from '../../services/offsite/last-stored.js';
import { WEB_BASE } from './web-deps.js';

/**
 * The dashboards' warning for missions without a stored off-site backup for more than
 * {@link OFFSITE_OVERDUE_HOURS} hours (the rule: services/offsite/last-stored.ts), or null when none.
 */
export function offsiteAlertView(missions: readonly MissionOffsite[]) {
  if (missions.length === 0) return null;
  return {
    missionCount: missions.length,
    hours: OFFSITE_OVERDUE_HOURS,
    missions: missions.map((mission) => ({
      id: mission.missionId,
      name: mission.missionName,
      href: `${WEB_BASE}/missions/${encodeURIComponent(mission.missionId)}`,
      last: mission.last
        ? `dernière sauvegarde complète le ${formatCell(new Date(mission.last.completedAt), 'instant')} (génération ${mission.last.generation}, il y a ${formatCell(Math.floor(mission.last.ageHours), 'int')} h)`
        : 'aucune sauvegarde hors site reçue depuis son enrôlement',
    })),
  };
}
