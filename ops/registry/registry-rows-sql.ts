/**
 * A large registry generated inside PostgreSQL (INSERT … SELECT over generate_series): millions of
 * persons in minutes, with the names, places and dates of the synthetic generator, drawn by hashes of
 * the row number so that the same numbers always give the same persons. For scale tests and
 * benchmarks of the candidate search, where what matters is the size and the spread of the names,
 * not labelled noise (the labelled data set is dataset.ts).
 */
import type { Queryable } from '../../hub/db/database.js';
import { FAMILY_NAMES } from './names-central-african.js';
import { Random } from './random.js';
import { syntheticPerson } from './synthetic-person.js';

interface NamePools {
  readonly family: string[];
  readonly given: string[];
  readonly places: string[];
}

/** The generator's own names and places, each once. */
function namePools(): NamePools {
  const random = new Random('registry-rows-sql');
  const given = new Set<string>();
  const places = new Set<string>();
  for (let i = 0; i < 5_000; i++) {
    const person = syntheticPerson(random);
    given.add(person.givenNames);
    places.add(person.birthPlace);
  }
  return { family: [...new Set(Object.values(FAMILY_NAMES).flat())], given: [...given], places: [...places] };
}

/** The registry id of generated row `n`: a fixed UUID per row number. */
export const generatedPersonId = (n: number) => `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;

function saltNumber(salt: string): number {
  let value = 17;
  for (const char of salt) value = (value * 31 + char.charCodeAt(0)) % 1_000_003;
  return value;
}

// One share in [0, 1) per field of a row, from a hash of the row number and the field's salt.
const HASHES = ['g', 'f', 's', 'p', 'y', 'm', 'd', 'b', 'fa', 'mo', 'mf']
  .map(
    (salt) => `(hashtextextended(n::text, ${saltNumber(salt)}) & 2147483647)::float8 / 2147483648 AS ${salt}`,
  )
  .join(', ');

// $1 first row number, $2 last, $3 family names, $4 given names, $5 places (JSON arrays). Squaring
// a share skews names as registers are (a few names borne by many).
const INSERT_ROWS = `
WITH pools AS (
  SELECT ARRAY(SELECT jsonb_array_elements_text($3::jsonb)) AS family,
         ARRAY(SELECT jsonb_array_elements_text($4::jsonb)) AS given,
         ARRAY(SELECT jsonb_array_elements_text($5::jsonb)) AS places
)
INSERT INTO registry_persons (id, national_id, given_names, family_name, sex, birth_date, birth_place,
  father_name, mother_name, source)
SELECT ('00000000-0000-4000-9000-' || lpad(n::text, 12, '0'))::uuid,
       'CF-G' || lpad(n::text, 10, '0'),
       given[1 + floor(cardinality(given) * power(h.g, 2))::int],
       family[1 + floor(cardinality(family) * power(h.f, 2))::int],
       CASE WHEN h.s < 0.5 THEN 'F' ELSE 'M' END,
       CASE WHEN h.p < 0.1 THEN (1940 + floor(h.y * 73))::int::text
            ELSE to_char(make_date((1940 + floor(h.y * 73))::int, 1 + floor(h.m * 12)::int,
                                   1 + floor(h.d * 28)::int), 'YYYY-MM-DD') END,
       places[1 + floor(cardinality(places) * power(h.b, 2))::int],
       given[1 + floor(cardinality(given) * h.fa)::int] || ' ' || family[1 + floor(cardinality(family) * power(h.f, 2))::int],
       given[1 + floor(cardinality(given) * h.mo)::int] || ' ' || family[1 + floor(cardinality(family) * h.mf)::int],
       'seed'
  FROM pools, generate_series($1::bigint, $2::bigint) AS n,
       LATERAL (SELECT ${HASHES}) AS h`;

/** Inserts generated rows `from`..`to` (inclusive), `batch` per statement; returns how many. */
export async function insertGeneratedPersons(
  db: Queryable,
  from: number,
  to: number,
  batch = 100_000,
): Promise<number> {
  const pools = namePools();
  for (let start = from; start <= to; start += batch) {
    const end = Math.min(to, start + batch - 1);
    await db.query(INSERT_ROWS, [
      start,
      end,
      JSON.stringify(pools.family),
      JSON.stringify(pools.given),
      JSON.stringify(pools.places),
    ]);
  }
  return to - from + 1;
}
