-- Wrong secrets typed against one file's tracking number (a birth date is about 25,000 plausible
-- values: a limit per client address alone lets a patient guesser through from many addresses).
-- After a few failures the file's details are locked for a time that doubles with each lock; a
-- right secret clears the count. One row per file that had failures; tracking numbers are not
-- personal data, and nothing of the guesses is kept.
CREATE TABLE file_lookup_failures (
  file_id TEXT PRIMARY KEY REFERENCES files (id),
  failures INTEGER NOT NULL,
  locks INTEGER NOT NULL DEFAULT 0,
  last_failure_at TEXT NOT NULL,
  locked_until TEXT
) STRICT;
