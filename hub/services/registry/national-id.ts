/**
 * National ID numbers the built-in registry issues: `CF-` + a nine-digit serial + `-` + a Luhn
 * check digit (`CF-000001234-0`), within the protocol's `^[A-Z0-9-]{4,30}$`. The check digit lets
 * an agent's typing slip be caught at the counter before any lookup.
 */
export function formatNationalId(serial: number): string {
  if (!Number.isSafeInteger(serial) || serial < 1 || serial > 999_999_999) {
    throw new TypeError(`national ID serial out of range: ${serial}`);
  }
  const digits = String(serial).padStart(9, '0');
  return `CF-${digits}-${luhnDigit(digits)}`;
}

/** Whether a number has the built-in registry's shape and a correct check digit. */
export function isIssuedNationalId(value: string): boolean {
  const found = /^CF-(\d{9})-(\d)$/.exec(value);
  return found !== null && luhnDigit(found[1] as string) === Number(found[2]);
}

// Luhn (ISO/IEC 7812-1 annex B): double every second digit from the right of the payload.
function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}
