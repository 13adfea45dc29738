/**
 * How births spread over the years among the indexed persons: the chance that two persons drawn
 * at random were born the same year (the sum of each year's share squared). With births spread
 * evenly over seventy years it is 1 in 70; a registry of young people gives a higher chance.
 */
/** Births spread over seventy years: what is assumed of a registry whose years are not counted. */
export const SAME_BIRTH_YEAR_CHANCE = 1 / 70;

export class BirthYears {
  readonly #counts = new Map<number, number>();
  #people = 0;
  #sumSquares = 0;

  add(year: number | undefined): void {
    if (year === undefined) return;
    const count = this.#counts.get(year) ?? 0;
    this.#counts.set(year, count + 1);
    this.#sumSquares += 2 * count + 1;
    this.#people++;
  }

  remove(year: number | undefined): void {
    if (year === undefined) return;
    const count = this.#counts.get(year) ?? 0;
    if (!count) return;
    if (count === 1) this.#counts.delete(year);
    else this.#counts.set(year, count - 1);
    this.#sumSquares -= 2 * count - 1;
    this.#people--;
  }

  /** The chance two persons share a birth year; undefined while no year is known. */
  sameYearChance(): number | undefined {
    return this.#people ? this.#sumSquares / (this.#people * this.#people) : undefined;
  }
}
