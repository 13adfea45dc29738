-- The ministry reminds missions of directives they have not acknowledged: the reminder arrives as
-- the same directive again, and the inbox shows when it was last recalled.
ALTER TABLE directives ADD COLUMN last_reminded_at TEXT;
