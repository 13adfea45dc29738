import { formatMoney, isIsoCurrency, toDecimalString } from '../../common/money/index.js';

/** How a table cell reads, on the page (French) and in a CSV file (machine-readable). */
export type CellFormat =
  | 'text'
  | 'int'
  | 'share'
  | 'rating'
  | 'hours'
  | 'days'
  | 'instant'
  | 'yesno'
  | 'money';

/** A cell's value: money carries its currency, since its number of decimals depends on it. */
export type CellValue =
  | string
  | number
  | boolean
  | Date
  | null
  | { readonly minor: number; readonly currency: string };

const integer = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 });
const instant = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'UTC' });

/** The text a cell shows on a page; an empty value is a dash. */
export function formatCell(value: CellValue, format: CellFormat): string {
  if (value === null || value === '') return '—';
  if (typeof value === 'object' && !(value instanceof Date)) return moneyCell(value.minor, value.currency);
  if (value instanceof Date) return `${instant.format(value)} UTC`;
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  if (typeof value === 'string') return value;
  switch (format) {
    case 'share':
      return percent.format(value);
    case 'rating':
      return `${oneDecimal.format(value)} / 5`;
    case 'hours':
      return value < 48 ? `${integer.format(value)} h` : `${oneDecimal.format(value / 24)} j`;
    case 'days':
      return `${integer.format(value)} j`;
    default:
      return integer.format(value);
  }
}

/** The text a cell holds in a CSV file: plain numbers with a point, ISO 8601 times, days as numbers. */
export function csvCell(value: CellValue, format: CellFormat): string {
  if (value === null) return '';
  if (typeof value === 'object' && !(value instanceof Date))
    return isIsoCurrency(value.currency) ? toDecimalString(value.minor, value.currency) : '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  if (typeof value === 'string') return value;
  if (format === 'share') return value.toFixed(4);
  if (format === 'rating') return value.toFixed(2);
  if (format === 'hours') return (value / 24).toFixed(2);
  return String(value);
}

// Currencies come from what missions report, checked only as three capital letters: a code ISO 4217
// does not list has no known number of decimals, so its minor units are shown as they are, said so,
// rather than guessed into an amount (the CSV cell stays empty) or failing the whole page.
function moneyCell(minor: number, currency: string): string {
  if (isIsoCurrency(currency)) return formatMoney(minor, currency, 'fr-FR');
  return `${integer.format(minor)} ${currency} (unités mineures)`;
}
