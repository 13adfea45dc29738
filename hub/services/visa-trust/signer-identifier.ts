/**
 * The signer identifier a seal's header names (Doc 9303-13 §2.2.1): 2 letters of country and 2
 * characters of signer. Ours is `CF` (ISO 3166 alpha-2 of the Central African Republic) and the
 * first two letters or digits of the mission id after its country prefix, upper case:
 * `fr-paris` → `CFPA`, `cm-yaounde` → `CFYA`, `us-new-york` → `CFNE`. A mission keeps its
 * identifier for good; when two missions would meet on the same one (`fr-paris`, `fr-pau`), the
 * second is given another explicitly (`--signer-id CFPU`), which the hub then records.
 */
export const SIGNER_COUNTRY = 'CF';

const SIGNER_IDENTIFIER = /^CF[A-Z0-9]{2}$/;

/** The default identifier of a mission, or null when its id has fewer than 2 characters to give. */
export function defaultSignerIdentifier(missionId: string): string | null {
  const place = missionId.includes('-') ? missionId.slice(missionId.indexOf('-') + 1) : missionId;
  const characters = place.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return characters.length >= 2 ? `${SIGNER_COUNTRY}${characters.slice(0, 2)}` : null;
}

/** Whether a string is one of our signer identifiers (`CF` + 2 letters or digits). */
export function isSignerIdentifier(value: string): boolean {
  return SIGNER_IDENTIFIER.test(value);
}
