-- The candidate search reads its blocks in key order (migration 024 found them through a GIN index
-- on registry_persons.block_keys, then read each person's row: one heap page per person, 740 pages
-- for a search at 1,000,000 persons and six times that at the nation's 6,000,000). Each blocking key
-- of each person is now an entry of its own, with the folded name and the birth date a search ranks
-- by, in a B-tree that holds them too: a search reads its blocks from the index alone and fetches
-- whole rows only for the few persons it returns.
CREATE TABLE registry_block_entries (
  key text NOT NULL,
  -- Whether the person's birth year is known: a search with a date looks among the undated persons
  -- of its date-free keys only, without reading the whole block of a common name.
  dated boolean NOT NULL,
  person_seq bigint NOT NULL,
  name_folded text NOT NULL,
  birth_date text
);

INSERT INTO registry_block_entries (key, dated, person_seq, name_folded, birth_date)
SELECT k.key, registry_birth_year(p.birth_date) IS NOT NULL, p.seq, p.name_folded, p.birth_date
  FROM registry_persons p, unnest(p.block_keys) AS k(key);

-- Built after the entries of a registry already loaded are written, which is faster than entry by entry.
CREATE INDEX registry_block_entries_by_key ON registry_block_entries (key, dated, person_seq)
  INCLUDE (name_folded, birth_date);

-- Nothing searches registry_persons.block_keys any more: their indexes would only slow every insert.
DROP INDEX registry_persons_block_keys;
DROP INDEX registry_persons_undated_keys;

-- The database keeps the entries with the persons, statement by statement (a registry is loaded in
-- batches of thousands): what a statement added is entered, what it removed is taken out.
CREATE FUNCTION registry_block_entries_enter() RETURNS trigger LANGUAGE plpgsql AS $t$
BEGIN
  INSERT INTO registry_block_entries (key, dated, person_seq, name_folded, birth_date)
  SELECT k.key, registry_birth_year(a.birth_date) IS NOT NULL, a.seq, a.name_folded, a.birth_date
    FROM added a, unnest(a.block_keys) AS k(key);
  RETURN NULL;
END
$t$;
CREATE FUNCTION registry_block_entries_leave() RETURNS trigger LANGUAGE plpgsql AS $t$
BEGIN
  DELETE FROM registry_block_entries e
   USING removed r, unnest(r.block_keys) AS k(key)
   WHERE e.key = k.key AND e.dated = (registry_birth_year(r.birth_date) IS NOT NULL) AND e.person_seq = r.seq;
  RETURN NULL;
END
$t$;
CREATE TRIGGER registry_block_entries_insert AFTER INSERT ON registry_persons
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION registry_block_entries_enter();
CREATE TRIGGER registry_block_entries_delete AFTER DELETE ON registry_persons
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION registry_block_entries_leave();
-- An update takes the old entries out and enters the new: triggers of one event fire in the order
-- of their names, and the new entries must not be there when the old are deleted (they are equal
-- when the keys did not change).
CREATE TRIGGER registry_block_entries_update_1_out AFTER UPDATE ON registry_persons
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION registry_block_entries_leave();
CREATE TRIGGER registry_block_entries_update_2_in AFTER UPDATE ON registry_persons
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION registry_block_entries_enter();
