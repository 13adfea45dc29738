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
  if (typeof value === 'object' && !(value instanceof Date)) return formatMoney(value.minor, value.currency);
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
  if (typeof value === 'object' && !(value instanceof Date)) return majorUnits(value.minor, value.currency);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  if (typeof value === 'string') return value;
  if (format === 'share') return value.toFixed(4);
  if (format === 'rating') return value.toFixed(2);
  if (format === 'hours') return (value / 24).toFixed(2);
  return String(value);
}

/** An amount in minor units as the currency shows it: `12 500 XAF`, `1 234,50 €`. */
export function formatMoney(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  return new Intl.NumberFormat('fr-FR', { style: 'currency', currency }).format(minor / 10 ** digits);
}

/** An amount in minor units as a decimal number of major units (`1234.50`). */
export function majorUnits(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

// ISO 4217 minor units as the runtime knows them (XAF 0, EUR 2); 2 for a code it does not know.
function currencyDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}
