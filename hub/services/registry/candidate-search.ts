/**
 * Candidate search in the hub's database (migrations 024 and 028): the registry persons that share a
 * blocking key with a person, the nearest by name and date first, with how common each one's full
 * name is. The hub holds no registry in memory: the matching engine scores only what this finds.
 */
import type { Person } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import { normaliseNationalId } from './matching/index.js';
import type { CandidateSet, FoundPerson, RegistryPerson } from './national-registry.js';
import { type PersonColumns, toPerson } from './person-row.js';

/**
 * Row of the search: a person, and the number of registry persons bearing their full name; or, once
 * (`holds_id` null), how the search blocked.
 */
interface FoundRow extends PersonColumns {
  name_count: number | null;
  holds_id: boolean | null;
  name_key: string | null;
  /** Over the whole registry (registry_name_stats), repeated on every row. */
  persons: number | null;
  sum_squares: number | null;
  searched: string[] | null;
  undated: string[] | null;
  own_keys: string[] | null;
  own_name_key: string | null;
  own_year: number | null;
}

/**
 * How a search blocked: enough to tell, without searching again, whether a person recorded since
 * would change what it found (see {@link wouldChange}).
 */
export interface SearchBlocking {
  /** Keys looked up among all persons, and among persons without a birth year. */
  readonly searched: readonly string[];
  readonly undated: readonly string[];
  /** The name keys of the persons found (their counts would move with a namesake). */
  readonly foundNameKeys: ReadonlySet<string>;
  readonly nationalIdKey: string | null;
  /** What a registry person recorded from the searched person would carry (the same SQL functions). */
  readonly own: RecordedKeys;
}

/** The blocking keys and name key of a registry person, and whether their birth year is known. */
export interface RecordedKeys {
  readonly keys: readonly string[];
  readonly nameKey: string;
  readonly dated: boolean;
}

/** A candidate set from the built-in registry's search, with how it blocked. */
export interface SearchedCandidates extends CandidateSet {
  readonly blocking: SearchBlocking;
}

/** How a candidate set was blocked, when the registry that searched says so (the built-in one does). */
export function blockingOf(set: CandidateSet): SearchBlocking | undefined {
  return (set as Partial<SearchedCandidates>).blocking;
}

/**
 * Whether the registry person `recorded` (keys as {@link RecordedKeys}, issued `nationalId`) added
 * after a search would have changed what it found: found by one of its keys, a namesake of a person
 * found (their count moves), or the holder of the number searched.
 */
export function wouldChange(blocking: SearchBlocking, recorded: RecordedKeys, nationalId: string): boolean {
  const shares = (keys: readonly string[]) => recorded.keys.some((key) => keys.includes(key));
  return (
    shares(blocking.searched) ||
    (!recorded.dated && shares(blocking.undated)) ||
    blocking.foundNameKeys.has(recorded.nameKey) ||
    (blocking.nationalIdKey !== null && normaliseNationalId(nationalId) === blocking.nationalIdKey)
  );
}

/**
 * Most persons a search returns to be scored. The registry's persons of one block are ranked in
 * the database: trigram similarity of the names, plus the date — the same, then one the other's
 * date is a part of (1985 and 1985-03-12, ISO partial dates), then the same year. Past this rank
 * come homonyms born on other days, which the engine would score below its floor anyway.
 */
export const CANDIDATE_LIMIT = 50;

/**
 * A date known only to the year may be a year off (an age estimated, "vers 1977"), so the name
 * words' keys of the years either side are searched too, but only for a word whose own year's
 * block holds fewer persons than this. A common word's neighbouring blocks hold thousands who share
 * that word alone and rank below its own year's persons: on the 6,000,000 registry of the bench,
 * 1,000 searches returned the same persons with and without them, and a search of a year alone took
 * half as long (median 21.1 → 10.8 ms, p95 101 → 36 ms; BENCHMARKS.md, "Six million persons again").
 */
export const NEIGHBOUR_YEARS_BELOW = 500;

/**
 * Persons of the blocks whose names' similarity is computed first, the highest bounds first
 * (migration 029): the 50th best nearness among them is a floor that the best 50 of all reach, so
 * the others are ranked only if their bound reaches it. On the bench's 1,000,000 registry (300
 * searches, 187,925 persons in their blocks) at most 58,662 similarities were computed with 75
 * first, 65,413 with 50, 71,259 with 150; a block of 2,822 persons needed 332. On its 6,000,000
 * registry, 1,000 searches found the same persons as ranking all, in 0.57 of the time (mean 12.40
 * → 7.02 ms, with the same year told by the date's first four characters rather than a regular
 * expression per person; BENCHMARKS.md, "Six million persons in 60 seconds").
 */
export const FIRST_RANKED = 75;

// $1 given names, $2 family name, $3 birth date (partial ISO or null), $4 national id (compact
// upper case, or null), $5 limit. The query's keys are the person's own blocking keys (the same SQL
// function the stored ones come from), for a date known only to the year a name word's own key
// with the year either side when that word's own block is small (above; a `y:` key is the word's
// sound and the year, so the neighbours' keys are its own with the year changed), and the date-free
// key only for a person without a year. Persons with no year in the registry
// are looked up by the date-free key apart (the entries of undated persons), for a person with a
// year only; without a year the first lookup already has them. Blocks are read from the entries'
// index alone (migration 028): a person sharing several keys comes once per key, and is ranked once;
// only the persons returned are read from registry_persons. Ranking computes the trigram similarity
// of a block's names only where it can matter: each entry carries a bound of it (migration 029),
// `firsts` ranks the FIRST_RANKED highest bounds, and past them a person is ranked only when their
// bound reaches the 50th best nearness of `firsts`, which the 50th best of all is at least (50
// persons reach it). Anyone in the best 50, ties included, has a bound at least their nearness, so
// the same persons come out in the same order as if all were ranked. `counts` is MATERIALIZED:
// inlined, its count ran once per person found instead of once per name (a common name's 2,000
// persons, 50 times).
export const CANDIDATE_SEARCH = `
WITH own AS (
  SELECT registry_fold($1 || ' ' || $2) AS name, registry_birth_year($3) AS year,
         CASE WHEN $3 ~ '^[0-9]{4}' THEN left($3, 4) END AS year_prefix,
         registry_block_keys($1, $2, $3) AS keys, registry_name_key($1, $2) AS name_key
), q AS (
  SELECT own.name, own.year, own.year_prefix,
         own.keys
           || CASE WHEN $3 ~ '^[0-9]{4}$' THEN ARRAY(
                SELECT regexp_replace(mine.key, '[0-9]+$', (own.year + step)::text)
                  FROM unnest(own.keys) AS mine(key), (VALUES (-1), (1)) AS steps(step)
                 WHERE mine.key LIKE 'y:%'
                   AND (SELECT count(*) FROM (
                          SELECT FROM registry_block_entries e WHERE e.key = mine.key
                           LIMIT ${NEIGHBOUR_YEARS_BELOW}) AS own_block) < ${NEIGHBOUR_YEARS_BELOW})
              ELSE '{}'::text[] END AS keys
    FROM own
), k AS (
  SELECT ARRAY(SELECT DISTINCT key FROM q, unnest(q.keys) AS key
                WHERE q.year IS NULL OR key NOT LIKE 'n:%') AS searched,
         ARRAY(SELECT key FROM q, unnest(q.keys) AS key WHERE key LIKE 'n:%') AS undated
), t AS MATERIALIZED (
  SELECT cardinality(trigrams) AS trigrams, registry_trigram_bits(trigrams) AS bits
    FROM (SELECT registry_trigrams(q.name) AS trigrams FROM q) AS own_trigrams
), blocked AS (
  SELECT e.person_seq, e.name_folded, e.birth_date, e.name_trigrams, e.name_trigram_bits
    FROM registry_block_entries e, k
   WHERE e.key = ANY (k.searched)
  UNION ALL
  SELECT e.person_seq, e.name_folded, e.birth_date, e.name_trigrams, e.name_trigram_bits
    FROM registry_block_entries e, k, q
   WHERE q.year IS NOT NULL AND e.key = ANY (k.undated) AND NOT e.dated
), near AS MATERIALIZED (
  SELECT b.person_seq, b.name_folded, d.nearness AS date_nearness,
         d.nearness
           + registry_similarity_bound(t.trigrams, t.bits, b.name_trigrams, b.name_trigram_bits) AS bound
    FROM (SELECT DISTINCT person_seq, name_folded, birth_date, name_trigrams, name_trigram_bits
            FROM blocked) b,
         q, t,
         LATERAL (SELECT CASE WHEN b.birth_date = $3 THEN 1
                              WHEN starts_with(b.birth_date, $3) OR starts_with($3, b.birth_date) THEN 0.7
                              WHEN starts_with(b.birth_date, q.year_prefix) THEN 0.3
                              ELSE 0 END AS nearness) d
), firsts AS MATERIALIZED (
  SELECT n.person_seq, registry_name_similarity(n.name_folded, q.name) + n.date_nearness AS nearness
    FROM (SELECT person_seq, name_folded, date_nearness FROM near
           ORDER BY bound DESC LIMIT ${FIRST_RANKED}) n, q
), bar AS (
  SELECT coalesce((SELECT nearness FROM firsts ORDER BY nearness DESC OFFSET $5 - 1 LIMIT 1),
                  '-Infinity') AS lowest
), ranked AS (
  SELECT person_seq, nearness FROM firsts
  UNION ALL
  SELECT n.person_seq, registry_name_similarity(n.name_folded, q.name) + n.date_nearness
    FROM near n, q, bar
   WHERE n.bound >= bar.lowest
     AND NOT EXISTS (SELECT FROM firsts f WHERE f.person_seq = n.person_seq)
  ORDER BY nearness DESC, person_seq
  LIMIT $5
), found AS (
  SELECT p.*, false AS holds_id FROM ranked r JOIN registry_persons p ON p.seq = r.person_seq
  UNION ALL
  SELECT p.*, true FROM registry_persons p WHERE $4::text IS NOT NULL AND p.national_id_key = $4
), counts AS MATERIALIZED (
  SELECT n.name_key, (SELECT count(*) FROM registry_persons c WHERE c.name_key = n.name_key) AS name_count
    FROM (SELECT DISTINCT name_key FROM found) AS n
)
SELECT f.id, f.national_id, f.given_names, f.family_name, f.sex, f.birth_date, f.birth_place,
       f.father_name, f.mother_name, f.holds_id, f.name_key, counts.name_count, stats.persons,
       stats.sum_squares, NULL::text[] AS searched, NULL::text[] AS undated, NULL::text[] AS own_keys,
       NULL::text AS own_name_key, NULL::integer AS own_year
  FROM found f JOIN counts USING (name_key) LEFT JOIN registry_name_stats stats ON stats.id = 1
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       k.searched, k.undated, own.keys, own.name_key, own.year
  FROM k, own`;

/** The registry persons worth scoring against `person`, and those holding its national id. */
export async function searchCandidates(
  db: Queryable,
  person: Person,
  limit = CANDIDATE_LIMIT,
): Promise<SearchedCandidates> {
  // Compared without case, spaces or dashes, as the matching engine compares them.
  const nationalIdKey = normaliseNationalId(person.nationalId) ?? null;
  // Prepared on each connection: parsed once, and planned once if PostgreSQL finds its generic plan
  // no worse (at 1,000,000 persons planning took 3 ms, more than a rare name's 1.3 ms execution).
  const rows = await db.query<FoundRow>(
    CANDIDATE_SEARCH,
    [person.givenNames, person.familyName, person.birthDate ?? null, nationalIdKey, limit],
    { prepared: 'registry_candidate_search' },
  );
  const found: FoundPerson[] = [];
  const holders: RegistryPerson[] = [];
  const foundNameKeys = new Set<string>();
  let own: FoundRow | undefined;
  for (const row of rows) {
    if (row.holds_id === null) own = row;
    else if (row.holds_id) holders.push(toPerson(row));
    else {
      found.push({ ...toPerson(row), nameCount: Number(row.name_count ?? 0) });
      if (row.name_key !== null) foundNameKeys.add(row.name_key);
    }
  }
  // The registry's name statistics are repeated on every person's row (there may be none).
  const stats = rows.find((row) => row.holds_id !== null);
  return {
    found,
    holders,
    names: { persons: Number(stats?.persons ?? 0), sumSquares: Number(stats?.sum_squares ?? 0) },
    blocking: {
      searched: own?.searched ?? [],
      undated: own?.undated ?? [],
      foundNameKeys,
      nationalIdKey,
      own: { keys: own?.own_keys ?? [], nameKey: own?.own_name_key ?? '', dated: own?.own_year != null },
    },
  };
}

/** The registry's name statistics now, as a search returns them (migration 024's triggers keep them). */
export async function registryNameStats(db: Queryable): Promise<CandidateSet['names']> {
  const [row] = await db.query<{ persons: number | null; sum_squares: number | null }>(
    'SELECT persons, sum_squares FROM registry_name_stats WHERE id = 1',
  );
  return { persons: Number(row?.persons ?? 0), sumSquares: Number(row?.sum_squares ?? 0) };
}
