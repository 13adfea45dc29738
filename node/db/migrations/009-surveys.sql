-- The short satisfaction survey a citizen may answer once their file is delivered: one answer per
-- file, ratings only (no free text, so nothing personal is kept beyond the file it belongs to).
CREATE TABLE survey_answers (
  file_id TEXT PRIMARY KEY REFERENCES files (id),
  service_code TEXT NOT NULL,
  overall INTEGER NOT NULL CHECK (overall BETWEEN 1 AND 5),
  speed INTEGER NOT NULL CHECK (speed BETWEEN 1 AND 5),
  welcome INTEGER NOT NULL CHECK (welcome BETWEEN 1 AND 5),
  channel TEXT NOT NULL CHECK (channel IN ('portal', 'kiosk')),
  lang TEXT NOT NULL CHECK (lang IN ('fr', 'sg', 'en')),
  answered_at TEXT NOT NULL
) STRICT;

CREATE INDEX survey_answers_by_service ON survey_answers (service_code, answered_at);
