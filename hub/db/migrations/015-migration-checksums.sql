-- The checksum of each applied migration's file, as the node has always kept: a migration edited
-- after it ran is refused at start instead of leaving databases that differ under the same number.
-- NULL for the rows written before this column: the runner (hub/db/migrate.ts) fills them from the
-- files on its next run and checks them from then on.
ALTER TABLE schema_migrations ADD COLUMN checksum text;
