-- Consular registration (immatriculation) with the diaspora skills census and its consents,
-- civil-status transcriptions, and the who/when of every workflow step of both.
-- Every *_enc column is an XChaCha20-Poly1305 ciphertext bound to (table, column, id). The census
-- categories (sector, languages, education level, contributions) stay clear: they are fixed lists,
-- not free text, and the mission's own statistics are computed from them.

CREATE TABLE registrations (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people (id),
  state TEXT NOT NULL
    CHECK (state IN ('submitted', 'verified', 'active', 'expired', 'rejected', 'deregistered')),
  channel TEXT NOT NULL CHECK (channel IN ('online', 'counter')),
  -- JSON of the personal details beyond the people row: sex, birth place, parents' names,
  -- national ID, arrival date, consular card number, profession, skills.
  details_enc BLOB NOT NULL,
  sector TEXT,
  languages TEXT NOT NULL,
  education_level TEXT,
  contributions TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  expires_at TEXT,
  updated_at TEXT NOT NULL,
  -- The registry.submission sent on verification, and what the national registry made of it.
  submission_id TEXT UNIQUE,
  registry_state TEXT NOT NULL DEFAULT 'none'
    CHECK (registry_state IN ('none', 'submitted', 'reconciled', 'review')),
  registry_decision TEXT,
  registry_decided_at TEXT
) STRICT;
CREATE INDEX registrations_person ON registrations (person_id);
CREATE INDEX registrations_state ON registrations (state, expires_at);

-- Consent history, append-only: the current consent for a purpose is its newest row.
CREATE TABLE registration_consents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  registration_id TEXT NOT NULL REFERENCES registrations (id),
  purpose TEXT NOT NULL CHECK (purpose IN ('processing', 'census', 'contact')),
  granted INTEGER NOT NULL CHECK (granted IN (0, 1)),
  at TEXT NOT NULL,
  method TEXT NOT NULL CHECK (method IN ('online', 'counter')),
  text_version TEXT NOT NULL,
  actor TEXT NOT NULL
) STRICT;
CREATE INDEX registration_consents_current ON registration_consents (registration_id, purpose, id);
-- A consent record is evidence: it is never rewritten, only followed by a newer one.
CREATE TRIGGER registration_consents_no_update BEFORE UPDATE ON registration_consents
BEGIN SELECT RAISE(ABORT, 'registration_consents is append-only'); END;
CREATE TRIGGER registration_consents_no_delete BEFORE DELETE ON registration_consents
BEGIN SELECT RAISE(ABORT, 'registration_consents is append-only'); END;

-- Births, marriages and deaths of nationals abroad, to transcribe into the consular registers.
CREATE TABLE civil_status_records (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('birth', 'marriage', 'death')),
  state TEXT NOT NULL CHECK (state IN ('submitted', 'under_review', 'transcribed', 'rejected')),
  channel TEXT NOT NULL CHECK (channel IN ('online', 'counter')),
  -- Country of the event (ISO 3166-1 alpha-2): a statistic, not a personal detail.
  event_country TEXT NOT NULL,
  -- JSON of the event date and place, the foreign certificate and the transcription act number.
  details_enc BLOB NOT NULL,
  submitted_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  submission_id TEXT UNIQUE,
  registry_state TEXT NOT NULL DEFAULT 'none'
    CHECK (registry_state IN ('none', 'submitted', 'reconciled', 'review')),
  registry_decision TEXT,
  registry_decided_at TEXT,
  national_id_enc BLOB
) STRICT;
CREATE INDEX civil_status_records_state ON civil_status_records (state);

-- The persons of an event with their roles; person_id when the mission already knows them.
CREATE TABLE civil_status_persons (
  id TEXT PRIMARY KEY,
  record_id TEXT NOT NULL REFERENCES civil_status_records (id),
  position INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('child', 'father', 'mother', 'spouse', 'deceased', 'declarant')),
  person_id TEXT REFERENCES people (id),
  data_enc BLOB NOT NULL,
  UNIQUE (record_id, position)
) STRICT;

-- Who moved which record from which state to which, and when. The reason may name a person's
-- circumstances: it is encrypted.
CREATE TABLE workflow_transitions (
  id TEXT PRIMARY KEY,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  reason_enc BLOB
) STRICT;
CREATE INDEX workflow_transitions_entity ON workflow_transitions (entity, entity_id, at);
