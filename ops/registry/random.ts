/**
 * A small seeded random source (SFC32, seeded through a string hash), so that a seed always gives
 * the same data set on any machine: benchmarks and tests compare like with like.
 */

/** Four 32-bit words from a string (a murmur-style mix). */
function seedWords(seed: string): [number, number, number, number] {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const next = () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    h ^= h >>> 16;
    return h >>> 0;
  };
  return [next(), next(), next(), next()];
}

export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: string | number) {
    [this.#a, this.#b, this.#c, this.#d] = seedWords(String(seed));
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (!items.length) throw new TypeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /**
   * An item drawn with a Zipf-like skew (the first items far commoner than the last), as names
   * are: a few family names are borne by many, most by few.
   */
  pickSkewed<T>(items: readonly T[], skew = 1.2): T {
    const index = Math.floor(items.length * this.next() ** (1 + skew));
    return items[Math.min(index, items.length - 1)]!;
  }
}
