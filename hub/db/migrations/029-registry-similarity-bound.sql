-- The candidate search ranks the persons of its blocks by trigram similarity of the names (3 µs a
-- person), and a common name word's block holds thousands at the nation's size: at 6,000,000
-- persons that similarity was most of a slow search. Each block entry now carries what bounds the
-- similarity from above without computing it: the number of the name's distinct trigrams, and a
-- 64-bit signature with one bit set per trigram. A search computes the similarity only for the
-- persons whose bound can still reach its best 50 (hub/services/registry/candidate-search.ts), and
-- finds the same persons in the same order.
--
-- On a registry already loaded the entries are written again and their index built after them (at
-- 6,000,000 persons, some 31 million entries: minutes, once).
DO $migration$
DECLARE
  trgm text;
BEGIN
  SELECT extnamespace::regnamespace::text INTO trgm FROM pg_extension WHERE extname = 'pg_trgm';

  -- The distinct trigrams of a text as pg_trgm's similarity() counts them.
  EXECUTE format($f$
    CREATE FUNCTION registry_trigrams(text) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $body$ SELECT %1$I.show_trgm($1) $body$
  $f$, trgm);
END
$migration$;

-- One bit of 64 per trigram, chosen by hashtext(): the same server computes a person's signature
-- and a search's, so only its own consistency counts (hashtext differs only between byte orders).
CREATE FUNCTION registry_trigram_bits(trigrams text[]) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(bit_or(1::bigint << (hashtext(t) & 63)), 0) FROM unnest(trigrams) AS t $$;

-- The most that similarity() of two names can be, from each one's trigram count (a, b) and
-- signature (a_bits, b_bits). Similarity is shared / (a + b - shared) over distinct trigrams. A
-- signature bit set on one side only stands for at least one trigram of that side the other lacks,
-- so at most a - bit_count(a_bits & ~b_bits) trigrams are shared, and as many for b; the similarity
-- grows with the trigrams shared, so that least count gives its bound. The 1e-6 covers the
-- rounding of similarity()'s single-precision division. One expression, so that it is inlined.
CREATE FUNCTION registry_similarity_bound(a integer, a_bits bigint, b integer, b_bits bigint)
  RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT least(a - bit_count((a_bits & ~b_bits)::bit(64)), b - bit_count((b_bits & ~a_bits)::bit(64)))::float8
           / greatest(a + b - least(a - bit_count((a_bits & ~b_bits)::bit(64)),
                                    b - bit_count((b_bits & ~a_bits)::bit(64))), 1)
           + 1e-6
  $$;

-- The entries again, with the trigram count and signature of the name (computed once per person,
-- not once per key: OFFSET 0 keeps the lateral subquery from being folded into each entry).
DROP TABLE registry_block_entries;
CREATE TABLE registry_block_entries (
  key text NOT NULL,
  dated boolean NOT NULL,
  person_seq bigint NOT NULL,
  name_folded text NOT NULL,
  birth_date text,
  name_trigrams integer NOT NULL,
  name_trigram_bits bigint NOT NULL
);

INSERT INTO registry_block_entries
  (key, dated, person_seq, name_folded, birth_date, name_trigrams, name_trigram_bits)
SELECT k.key, registry_birth_year(p.birth_date) IS NOT NULL, p.seq, p.name_folded, p.birth_date,
       cardinality(t.trigrams), registry_trigram_bits(t.trigrams)
  FROM registry_persons p,
       LATERAL (SELECT registry_trigrams(p.name_folded) AS trigrams OFFSET 0) AS t,
       unnest(p.block_keys) AS k(key);

CREATE INDEX registry_block_entries_by_key ON registry_block_entries (key, dated, person_seq)
  INCLUDE (name_folded, birth_date, name_trigrams, name_trigram_bits);

-- Migration 028's triggers call this function by name: it now writes the new columns too.
CREATE OR REPLACE FUNCTION registry_block_entries_enter() RETURNS trigger LANGUAGE plpgsql AS $t$
BEGIN
  INSERT INTO registry_block_entries
    (key, dated, person_seq, name_folded, birth_date, name_trigrams, name_trigram_bits)
  SELECT k.key, registry_birth_year(a.birth_date) IS NOT NULL, a.seq, a.name_folded, a.birth_date,
         cardinality(t.trigrams), registry_trigram_bits(t.trigrams)
    FROM added a,
         LATERAL (SELECT registry_trigrams(a.name_folded) AS trigrams OFFSET 0) AS t,
         unnest(a.block_keys) AS k(key);
  RETURN NULL;
END
$t$;
