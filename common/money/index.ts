export { toDecimalString } from './decimal-amount.js';
export { formatMinorUnits, formatMoney } from './format-money.js';
export { ISO_4217_CODES, ISO_4217_PUBLISHED, isIsoCurrency, minorUnits } from './iso-4217.js';
export { parseTypedAmount, toTypedAmount } from './typed-amount.js';
