import type { PartialDate } from './partial-date.js';

/** How two dates of birth relate, from the strongest agreement to a clear disagreement. */
export type DateAgreement =
  | 'birth_date_exact'
  | 'birth_date_month_agrees'
  | 'birth_date_year_only'
  | 'birth_date_day_month_swapped'
  | 'birth_date_typo'
  | 'birth_date_year_near'
  | 'birth_date_missing'
  | 'birth_date_differs';

const asNumber = (date: Required<PartialDate>) => date.year * 10_000 + date.month * 100 + date.day;

/**
 * True when the eight digits YYYYMMDD differ in one digit, or in two neighbouring digits swapped:
 * a slip of the keyboard (1985 → 1958, 12 → 13). Arithmetic, not strings: it runs for most pairs.
 */
function isOneSlip(a: number, b: number): boolean {
  let x = a;
  let y = b;
  let mismatches = 0;
  let lastAt = -2;
  let lastX = 0;
  let lastY = 0;
  for (let at = 0; at < 8; at++, x = Math.floor(x / 10), y = Math.floor(y / 10)) {
    const dx = x % 10;
    const dy = y % 10;
    if (dx === dy) continue;
    mismatches++;
    if (mismatches === 2 && !(lastAt === at - 1 && lastX === dy && lastY === dx)) return false;
    if (mismatches > 2) return false;
    lastAt = at;
    lastX = dx;
    lastY = dy;
  }
  return mismatches > 0;
}

/** Two complete dates that differ: a day/month swap or a one-key slip, else a different date. */
function compareComplete(a: Required<PartialDate>, b: Required<PartialDate>): DateAgreement {
  if (a.year === b.year && a.month === b.day && a.day === b.month) return 'birth_date_day_month_swapped';
  return isOneSlip(asNumber(a), asNumber(b)) ? 'birth_date_typo' : 'birth_date_differs';
}

function isComplete(date: PartialDate): date is Required<PartialDate> {
  return date.day !== undefined && date.month !== undefined;
}

/** Compares two dates, each possibly partial: they agree to the precision the coarser one has. */
export function compareDates(a: PartialDate | undefined, b: PartialDate | undefined): DateAgreement {
  if (!a || !b) return 'birth_date_missing';
  if (a.year !== b.year) {
    if (isComplete(a) && isComplete(b)) return compareComplete(a, b);
    // "vers 1975": a year given alone is often an estimate.
    const estimated = a.month === undefined || b.month === undefined;
    return estimated && Math.abs(a.year - b.year) === 1 ? 'birth_date_year_near' : 'birth_date_differs';
  }
  if (a.month === undefined || b.month === undefined) return 'birth_date_year_only';
  if (a.month !== b.month) {
    return isComplete(a) && isComplete(b) ? compareComplete(a, b) : 'birth_date_differs';
  }
  if (a.day === undefined || b.day === undefined) return 'birth_date_month_agrees';
  if (a.day === b.day) return 'birth_date_exact';
  return isComplete(a) && isComplete(b) ? compareComplete(a, b) : 'birth_date_differs';
}
