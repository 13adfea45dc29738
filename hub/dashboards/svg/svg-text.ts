/** Escapes text for an SVG (XML) text node or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A number with at most one decimal, as SVG coordinates are written. */
export function coord(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least the maximum. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 5, 10].find((m) => m * power >= max) ?? 10;
  return step * power;
}
