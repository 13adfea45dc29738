import { formatCell } from '../../dashboards/format.js';
import type { AuditAnomaly, MissionAuditAnomalies } from '../../services/dashboard/audit-anomalies.js';
import { WEB_BASE } from './web-deps.js';

/**
 * Each kind as HQ reads it: a name and what it means at the mission. How each is found is in
 * hub/ingest/audit-chain-check.ts and protocol/PROTOCOL.md, "The audit log anchored at HQ".
 */
export const AUDIT_ANOMALY_TEXT: Readonly<Record<AuditAnomaly, { label: string; meaning: string }>> = {
  chain_rewritten: {
    label: 'journal réécrit',
    meaning: 'des entrées déjà envoyées ont été modifiées et la chaîne recalculée',
  },
  chain_shortened: {
    label: 'chaîne raccourcie',
    meaning: 'le journal compte moins d’entrées que le ministère n’en a déjà reçu',
  },
  head_changed: {
    label: 'journal modifié',
    meaning: 'à une longueur déjà reçue, le journal n’a plus la même empreinte',
  },
  unknown_base: {
    label: 'point de départ inconnu',
    meaning: 'la mission prouve son journal depuis un état que le ministère n’a jamais reçu',
  },
  proof_missing: {
    label: 'preuve manquante',
    meaning: 'le journal arrive sans la preuve que la mission fournissait jusque-là',
  },
};

/** The warning block of the dashboards, or null when no mission's audit log was flagged. */
export function auditAlertView(missions: readonly MissionAuditAnomalies[]) {
  if (missions.length === 0) return null;
  return {
    missionCount: missions.length,
    missions: missions.map((mission) => ({
      id: mission.missionId,
      name: mission.missionName,
      href: `${WEB_BASE}/missions/${encodeURIComponent(mission.missionId)}`,
      total: mission.total,
      older: mission.total - mission.reports.length,
      reports: mission.reports.map((report) => ({
        kind: report.anomaly,
        ...AUDIT_ANOMALY_TEXT[report.anomaly],
        reportedAt: formatCell(report.reportedAt, 'instant'),
        headAt: formatCell(report.headAt, 'instant'),
        lengths: lengthsText(report.length, report.heldLength),
      })),
    })),
  };
}

/** "journal de 9 entrées (le ministère en tenait 5)": the head reported against the one held. */
function lengthsText(length: number, heldLength: number | null): string {
  const reported = `journal de ${formatCell(length, 'int')} entrée${length > 1 ? 's' : ''}`;
  return heldLength === null
    ? reported
    : `${reported} (le ministère en tenait ${formatCell(heldLength, 'int')})`;
}
