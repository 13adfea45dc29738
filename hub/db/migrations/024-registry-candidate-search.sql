-- Candidate search for the registry reconciliation in the database, not in the hub's memory: the
-- national registry (six million persons) is searched by blocking keys and trigram similarity,
-- and only the few persons found are scored by the matching engine (hub/services/registry).

-- pg_trgm (similarity) and fuzzystrmatch (dmetaphone) are contrib extensions, both trusted: a
-- database owner may create them. PGlite loads them from its constructor's `extensions` option.
-- They go to `public` when it exists, so that hubs (and tests) working in other schemas of the same
-- database share one copy that dropping their schema leaves in place; a copy an administrator put
-- elsewhere is used where it is. The lock keeps two hubs migrating at once from both creating them.
SELECT pg_advisory_xact_lock(hashtext('econsulat-registry-extensions'));

DO $migration$
DECLARE
  home text := CASE WHEN EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public')
                    THEN 'public' ELSE current_schema() END;
  trgm text;
  fuzzy text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    EXECUTE format('CREATE EXTENSION pg_trgm SCHEMA %I', home);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'fuzzystrmatch') THEN
    EXECUTE format('CREATE EXTENSION fuzzystrmatch SCHEMA %I', home);
  END IF;
  SELECT extnamespace::regnamespace::text INTO trgm FROM pg_extension WHERE extname = 'pg_trgm';
  SELECT extnamespace::regnamespace::text INTO fuzzy FROM pg_extension WHERE extname = 'fuzzystrmatch';

  -- A name folded as the matching engine folds it (matching/normalise.ts): lower case, accents and
  -- ligatures to a-z, apostrophes joined (M'Bokani = Mbokani), punctuation a space. translate()
  -- rather than a regular expression: ten times faster, and it runs for every person loaded.
  CREATE FUNCTION registry_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $fold$
      SELECT btrim(translate(replace(replace(replace(lower($1), 'œ', 'oe'), 'æ', 'ae'), 'ß', 'ss'),
        'àáâãäåāçćčèéêëēėęìíîïīıñńòóôõöøōùúûüūýÿžšł-.,;:()/_0123456789''’ʼ`´',
        'aaaaaaaccceeeeeeeiiiiiinnooooooouuuuuyyzsl                   '))
    $fold$;

  -- The words of a name field, folded.
  CREATE FUNCTION registry_words(text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $words$ SELECT array_remove(string_to_array(coalesce(registry_fold($1), ''), ' '), '') $words$;

  -- The year, and the month and day, of a partial ISO date (1984, 1984-07, 1984-07-12).
  CREATE FUNCTION registry_birth_year(text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $year$ SELECT CASE WHEN $1 ~ '^[0-9]{4}' THEN substr($1, 1, 4)::integer END $year$;
  CREATE FUNCTION registry_birth_day(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $day$ SELECT CASE WHEN $1 ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN substr($1, 6, 5) END $day$;

  -- Blocking keys: each common kind of noise in a register leaves at least one intact.
  --  y:<sound>|<year>   every word of either name field (Double Metaphone) and the birth year:
  --                     survives a slip in the other name, swapped names, a middle name dropped;
  --  d:<sound>|<MM-DD>  the first word of each name field and the day of birth: survives a slip in
  --                     the year (1985 written 1958);
  --  n:<sound>|<sound>  the first words of both fields, in sorted order, without any date: for a
  --                     person whose date is missing or unreadable.
  EXECUTE format($keys$
    CREATE FUNCTION registry_block_keys(given text, family text, birth text) RETURNS text[]
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
      AS $body$
      DECLARE
        given_words text[] := registry_words(given);
        family_words text[] := registry_words(family);
        year integer := registry_birth_year(birth);
        day text := registry_birth_day(birth);
        given_first text := coalesce(%1$I.dmetaphone(given_words[1]), '');
        family_first text := coalesce(%1$I.dmetaphone(family_words[1]), '');
        keys text[] := '{}';
        word text;
        key text;
      BEGIN
        IF year IS NOT NULL THEN
          FOREACH word IN ARRAY given_words || family_words LOOP
            CONTINUE WHEN length(word) < 2;
            key := 'y:' || %1$I.dmetaphone(word) || '|' || year;
            IF key NOT LIKE 'y:|%%' AND NOT key = ANY (keys) THEN keys := keys || key; END IF;
          END LOOP;
        END IF;
        IF day IS NOT NULL AND given_first <> '' THEN keys := keys || ('d:' || given_first || '|' || day); END IF;
        IF day IS NOT NULL AND family_first <> '' AND family_first <> given_first THEN
          keys := keys || ('d:' || family_first || '|' || day);
        END IF;
        IF given_first <> '' AND family_first <> '' THEN
          keys := keys || ('n:' || least(given_first, family_first) || '|' || greatest(given_first, family_first));
        END IF;
        RETURN keys;
      END
      $body$
  $keys$, fuzzy);

  -- Family and given names folded, the smaller first: how common a full name is (swaps count once).
  CREATE FUNCTION registry_name_key(given text, family text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $key$
    DECLARE
      g text := coalesce(registry_fold(given), '');
      f text := coalesce(registry_fold(family), '');
    BEGIN
      RETURN least(g, f) || '|' || greatest(g, f);
    END
    $key$;

  -- Trigram similarity of two folded full names (word order does not count: swapped names meet).
  -- A plain SQL function the planner inlines, so the operator keeps the use of its index.
  EXECUTE format($sim$
    CREATE FUNCTION registry_name_similarity(a text, b text) RETURNS real
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $body$ SELECT %1$I.similarity(a, b) $body$
  $sim$, trgm);

  ALTER TABLE registry_persons
    ADD COLUMN name_folded text NOT NULL
      GENERATED ALWAYS AS (coalesce(registry_fold(given_names || ' ' || family_name), '')) STORED,
    ADD COLUMN name_key text NOT NULL GENERATED ALWAYS AS (registry_name_key(given_names, family_name)) STORED,
    ADD COLUMN block_keys text[] NOT NULL
      GENERATED ALWAYS AS (registry_block_keys(given_names, family_name, birth_date)) STORED,
    ADD COLUMN national_id_key text NOT NULL
      GENERATED ALWAYS AS (regexp_replace(upper(national_id), '[^A-Z0-9]', '', 'g')) STORED;

  CREATE INDEX registry_persons_block_keys ON registry_persons USING gin (block_keys);
  -- Persons without a birth year carry only their n: key: a search with a date looks for them here,
  -- without reading the whole n: block of a common name.
  CREATE INDEX registry_persons_undated_keys ON registry_persons USING gin (block_keys)
    WHERE registry_birth_year(birth_date) IS NULL;
  CREATE INDEX registry_persons_name_key ON registry_persons (name_key);
  CREATE INDEX registry_persons_by_national_id_key ON registry_persons (national_id_key);
  -- For an officer's search by name, and persons written too differently for any blocking key.
  EXECUTE format('CREATE INDEX registry_persons_name_trgm ON registry_persons USING gin (name_folded %I.gin_trgm_ops)', trgm);
END
$migration$;

-- How common each full name is, kept up to date by the database (for the frequency weights of the
-- matching engine): the count per name, and over all persons the sum of squared counts.
CREATE TABLE registry_name_stats (
  id integer PRIMARY KEY CHECK (id = 1),
  persons bigint NOT NULL,
  sum_squares bigint NOT NULL
);
INSERT INTO registry_name_stats (id, persons, sum_squares)
  SELECT 1, coalesce(sum(n), 0), coalesce(sum(n * n), 0)
    FROM (SELECT count(*) AS n FROM registry_persons GROUP BY name_key) AS names;

-- Applies a statement's changes: count(k)² moves from (now - diff)² to now² for each name touched.
CREATE FUNCTION registry_name_stats_change(added text[], removed text[]) RETURNS void
  LANGUAGE sql
  AS $change$
    UPDATE registry_name_stats AS s
       SET persons = s.persons + d.persons, sum_squares = s.sum_squares + d.squares
      FROM (
        SELECT coalesce(sum(c.diff), 0) AS persons,
               coalesce(sum(c.now * c.now - (c.now - c.diff) * (c.now - c.diff)), 0) AS squares
          FROM (
            SELECT k.key, sum(k.diff) AS diff,
                   (SELECT count(*) FROM registry_persons AS p WHERE p.name_key = k.key) AS now
              FROM (SELECT key, 1 AS diff FROM unnest(added) AS key
                    UNION ALL SELECT key, -1 FROM unnest(removed) AS key) AS k
             GROUP BY k.key
          ) AS c
      ) AS d
     WHERE s.id = 1
  $change$;

CREATE FUNCTION registry_name_stats_inserted() RETURNS trigger LANGUAGE plpgsql AS $t$
BEGIN
  PERFORM registry_name_stats_change(ARRAY(SELECT name_key FROM added), '{}');
  RETURN NULL;
END
$t$;
CREATE FUNCTION registry_name_stats_deleted() RETURNS trigger LANGUAGE plpgsql AS $t$
BEGIN
  PERFORM registry_name_stats_change('{}', ARRAY(SELECT name_key FROM removed));
  RETURN NULL;
END
$t$;
CREATE FUNCTION registry_name_stats_updated() RETURNS trigger LANGUAGE plpgsql AS $t$
BEGIN
  PERFORM registry_name_stats_change(ARRAY(SELECT name_key FROM added), ARRAY(SELECT name_key FROM removed));
  RETURN NULL;
END
$t$;
CREATE TRIGGER registry_name_stats_insert AFTER INSERT ON registry_persons
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION registry_name_stats_inserted();
CREATE TRIGGER registry_name_stats_delete AFTER DELETE ON registry_persons
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION registry_name_stats_deleted();
CREATE TRIGGER registry_name_stats_update AFTER UPDATE ON registry_persons
  REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT
  EXECUTE FUNCTION registry_name_stats_updated();
