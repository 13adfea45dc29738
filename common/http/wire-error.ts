/**
 * The wire shape of every refusal both sides' JSON APIs answer with (DESIGN.md):
 * `{ error: { code, message, issues? } }`, with the HTTP status beside it.
 */
export interface WireError {
  readonly status: number;
  readonly body: {
    readonly error: { readonly code: string; readonly message: string; readonly issues?: unknown };
  };
}

/** Builds a wire error; `issues` (a zod tree, fastify's validation) only when there are some. */
export function wireError(status: number, code: string, message: string, issues?: unknown): WireError {
  return { status, body: { error: { code, message, ...(issues === undefined ? {} : { issues }) } } };
}

/** An area's refusal codes and the HTTP status each is answered with (the area's errors.ts). */
export type StatusByCode = Readonly<Record<string, number>>;

/**
 * One side's error catalogue, code → status, built once from its areas' status maps, so that an
 * error handler needs no registry filled at start. A code two areas share must mean the same
 * thing to a client (the same status): a catalogue where it does not is a programming error,
 * refused with a TypeError naming both areas. Statuses are 4xx or 5xx.
 */
export function errorCatalogue(areas: Readonly<Record<string, StatusByCode>>): ReadonlyMap<string, number> {
  const catalogue = new Map<string, number>();
  const owner = new Map<string, string>();
  for (const [area, codes] of Object.entries(areas)) {
    for (const [code, status] of Object.entries(codes)) {
      if (!Number.isInteger(status) || status < 400 || status > 599)
        throw new TypeError(`${area}: ${code} answers ${status}, not an error status`);
      const known = catalogue.get(code);
      if (known !== undefined && known !== status)
        throw new TypeError(`${code} is ${known} in ${owner.get(code)} but ${status} in ${area}`);
      catalogue.set(code, status);
      if (!owner.has(code)) owner.set(code, area);
    }
  }
  return catalogue;
}
