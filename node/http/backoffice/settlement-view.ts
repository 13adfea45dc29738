import type { LineOutcome } from '../../services/payments/settlements/line-matching.js';
import type { OnlineDayTotal } from '../../services/payments/settlements/online-day-totals.js';
import type { SettlementReport } from '../../services/payments/settlements/settlement-views.js';
import { formatMoney } from '../staff/money-view.js';
import { missionTime } from '../staff/staff-clock.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';

/** Each outcome as the accountant reads it, and whether the consul has to look at it. */
export const OUTCOME_LABELS: Readonly<Record<LineOutcome | 'missing', { label: string; alert: boolean }>> = {
  matched: { label: 'Rapproché', alert: false },
  amount_mismatch: { label: 'Montant différent', alert: true },
  duplicate: { label: 'Doublon (non compté)', alert: true },
  unknown_reference: { label: 'Référence inconnue', alert: true },
  other: { label: 'Autre mouvement (virement, frais, remboursement, échec)', alert: false },
  missing: { label: 'Absent du relevé', alert: true },
};

/** A report labelled, amounts formatted, times in the mission's zone, problems first in counts. */
export function settlementPageData(deps: StaffHttpDeps, report: SettlementReport) {
  return {
    imported: {
      ...report.import,
      when: missionTime(deps, report.import.importedAt),
      format:
        report.import.format === 'stripe_balance'
          ? 'Stripe — rapport de solde détaillé'
          : 'MTN MoMo — export des transactions',
    },
    counts: (Object.keys(OUTCOME_LABELS) as (keyof typeof OUTCOME_LABELS)[]).map((outcome) => ({
      outcome,
      ...OUTCOME_LABELS[outcome],
      count: report.outcomes[outcome],
    })),
    totals: report.totals.map((total) => ({
      ...total,
      gross: formatMoney(total.grossMinor, total.currency),
      fee: formatMoney(total.feeMinor, total.currency),
      net: formatMoney(total.netMinor, total.currency),
    })),
    lines: report.lines.map((line) => ({
      ...line,
      ...OUTCOME_LABELS[line.outcome],
      when: missionTime(deps, line.occurredAt),
      gross: formatMoney(line.grossMinor, line.currency),
      fee: formatMoney(line.feeMinor, line.currency),
      expected: line.expectedMinor === null ? null : formatMoney(line.expectedMinor, line.currency),
    })),
    missing: report.missing.map((payment) => ({
      ...payment,
      amount: formatMoney(payment.amountMinor, payment.currency),
    })),
  };
}

/** The closing page's online money: per provider and currency, recorded beside settled. */
export function onlineTotalsView(totals: readonly OnlineDayTotal[]) {
  return totals.map((total) => {
    const money = (minor: number) => formatMoney(minor, total.currency);
    return {
      ...total,
      recorded: money(total.recordedMinor),
      gross: money(total.grossMinor),
      fee: money(total.feeMinor),
      net: money(total.netMinor),
      alert:
        total.missingCount + total.problemCount > 0 ||
        (total.reported && total.grossMinor !== total.recordedMinor),
    };
  });
}
