/**
 * Candidate search in the hub's database (migration 024): the registry persons that share a
 * blocking key with a person, the nearest by name and date first, with how common each one's full
 * name is. The hub holds no registry in memory: the matching engine scores only what this finds.
 */
import type { Person } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import type { CandidateSet, FoundPerson, RegistryPerson } from './national-registry.js';
import { type PersonColumns, toPerson } from './person-row.js';

/** Row of the search: a person, and the number of registry persons bearing their full name. */
interface FoundRow extends PersonColumns {
  name_count: number | null;
  holds_id: boolean;
  /** Over the whole registry (registry_name_stats), repeated on every row. */
  persons: number | null;
  sum_squares: number | null;
}

/**
 * Most persons a search returns to be scored. The registry's persons of one block are ranked in
 * the database: trigram similarity of the names, plus the date — the same, then one the other's
 * date is a part of (1985 and 1985-03-12, ISO partial dates), then the same year. Past this rank
 * come homonyms born on other days, which the engine would score below its floor anyway.
 */
export const CANDIDATE_LIMIT = 50;

// $1 given names, $2 family name, $3 birth date (partial ISO or null), $4 national id (compact
// upper case, or null), $5 limit. The query's keys are the person's own blocking keys (the same SQL
// function the stored ones come from), the years either side of a date known only to the year,
// and the date-free key only for a person without a year. Persons with no year in the registry
// are looked up by the date-free key apart (their partial index).
const SEARCH = `
WITH q AS (
  SELECT registry_fold($1 || ' ' || $2) AS name, registry_birth_year($3) AS year,
         registry_block_keys($1, $2, $3)
           || CASE WHEN $3 ~ '^[0-9]{4}$' THEN
                registry_block_keys($1, $2, (registry_birth_year($3) - 1)::text)
                || registry_block_keys($1, $2, (registry_birth_year($3) + 1)::text)
              ELSE '{}'::text[] END AS keys
), k AS (
  SELECT ARRAY(SELECT DISTINCT key FROM q, unnest(q.keys) AS key
                WHERE q.year IS NULL OR key NOT LIKE 'n:%') AS searched,
         ARRAY(SELECT key FROM q, unnest(q.keys) AS key WHERE key LIKE 'n:%') AS undated
), blocked AS (
  SELECT p.* FROM registry_persons p, k WHERE p.block_keys && k.searched
  UNION
  SELECT p.* FROM registry_persons p, k
   WHERE p.block_keys && k.undated AND registry_birth_year(p.birth_date) IS NULL
), ranked AS (
  SELECT b.*, registry_name_similarity(b.name_folded, q.name)
           + CASE WHEN b.birth_date = $3 THEN 1
                  WHEN starts_with(b.birth_date, $3) OR starts_with($3, b.birth_date) THEN 0.7
                  WHEN registry_birth_year(b.birth_date) = q.year THEN 0.3 ELSE 0 END AS nearness
    FROM blocked b, q
   ORDER BY nearness DESC, b.seq
   LIMIT $5
), found AS (
  SELECT r.*, false AS holds_id FROM ranked r
  UNION ALL
  SELECT p.*, 0, true FROM registry_persons p WHERE $4::text IS NOT NULL AND p.national_id_key = $4
), counts AS (
  SELECT n.name_key, (SELECT count(*) FROM registry_persons c WHERE c.name_key = n.name_key) AS name_count
    FROM (SELECT DISTINCT name_key FROM found) AS n
)
SELECT f.id, f.national_id, f.given_names, f.family_name, f.sex, f.birth_date, f.birth_place,
       f.father_name, f.mother_name, f.holds_id, counts.name_count, stats.persons, stats.sum_squares
  FROM found f JOIN counts USING (name_key) LEFT JOIN registry_name_stats stats ON stats.id = 1`;

/** National ids compared without case, spaces or dashes, as the matching engine compares them. */
function compactNationalId(value: string | undefined): string | null {
  const compact = value?.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return compact || null;
}

/** The registry persons worth scoring against `person`, and those holding its national id. */
export async function searchCandidates(
  db: Queryable,
  person: Person,
  limit = CANDIDATE_LIMIT,
): Promise<CandidateSet> {
  const rows = await db.query<FoundRow>(SEARCH, [
    person.givenNames,
    person.familyName,
    person.birthDate ?? null,
    compactNationalId(person.nationalId),
    limit,
  ]);
  const found: FoundPerson[] = [];
  const holders: RegistryPerson[] = [];
  for (const row of rows) {
    if (row.holds_id) holders.push(toPerson(row));
    else found.push({ ...toPerson(row), nameCount: Number(row.name_count ?? 0) });
  }
  return {
    found,
    holders,
    names: { persons: Number(rows[0]?.persons ?? 0), sumSquares: Number(rows[0]?.sum_squares ?? 0) },
  };
}
