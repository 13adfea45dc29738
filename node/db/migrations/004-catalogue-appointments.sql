-- The catalogue of consular services and the mission's appointment book.

-- Services as the ministry publishes them (or as seeded before the first catalogue arrives).
-- Localised texts are JSON objects {fr, sg?, en?}; fees a JSON array of {amountMinor, currency}.
-- faq and form_ref are the mission's own: a hub update leaves them alone.
CREATE TABLE services (
  code TEXT PRIMARY KEY,
  category TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  fees TEXT NOT NULL,
  required_documents TEXT NOT NULL,
  processing_days_target INTEGER NOT NULL CHECK (processing_days_target BETWEEN 0 AND 365),
  appointment_minutes INTEGER NOT NULL CHECK (appointment_minutes BETWEEN 5 AND 240),
  faq TEXT NOT NULL DEFAULT '[]',
  form_ref TEXT,
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  -- 1 while the Sango texts await a native speaker's review.
  sg_review INTEGER NOT NULL DEFAULT 0 CHECK (sg_review IN (0, 1)),
  source TEXT NOT NULL CHECK (source IN ('seed', 'hub')),
  catalogue_version INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
) STRICT;

-- What the mission sets for itself; a non-NULL column wins over the hub's value.
CREATE TABLE service_overrides (
  service_code TEXT PRIMARY KEY REFERENCES services (code),
  fees TEXT,
  active INTEGER CHECK (active IN (0, 1)),
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

-- One appointment calendar per service.
CREATE TABLE calendars (
  service_code TEXT PRIMARY KEY REFERENCES services (code),
  slot_minutes INTEGER NOT NULL CHECK (slot_minutes BETWEEN 5 AND 240),
  capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 500),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  updated_at TEXT NOT NULL
) STRICT;

-- Opening hours in the mission's local time (HH:MM). scope '*' holds the mission's hours; rows
-- under a service code replace them for that service. weekday: ISO 8601, 1 = Monday.
CREATE TABLE opening_hours (
  scope TEXT NOT NULL,
  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  opens TEXT NOT NULL,
  closes TEXT NOT NULL CHECK (closes > opens),
  PRIMARY KEY (scope, weekday, opens)
) STRICT;

-- Holidays and closures (local days, inclusive). yearly = 1: the same month-days every year.
CREATE TABLE closures (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  scope TEXT NOT NULL,
  first_day TEXT NOT NULL,
  last_day TEXT NOT NULL CHECK (last_day >= first_day),
  yearly INTEGER NOT NULL DEFAULT 0 CHECK (yearly IN (0, 1)),
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

-- Waiting list per service and local day. Phone and document number are encrypted, bound to
-- (waitlist, column, id); *_bidx are blind indexes for the anti-hoarding limits.
CREATE TABLE waitlist (
  id TEXT PRIMARY KEY,
  service_code TEXT NOT NULL REFERENCES services (code),
  day TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('waiting', 'offered', 'booked', 'lapsed', 'withdrawn')),
  person_id TEXT NOT NULL REFERENCES people (id),
  phone_enc BLOB NOT NULL,
  phone_bidx BLOB NOT NULL,
  document_enc BLOB NOT NULL,
  document_bidx BLOB NOT NULL,
  lang TEXT NOT NULL,
  appointment_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX waitlist_queue ON waitlist (service_code, day, state, created_at);

-- Bookings. A held booking occupies its place until hold_expires_at; the confirmation code is
-- kept only as a keyed hash. Phone and document number as for the waiting list.
CREATE TABLE appointments (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  service_code TEXT NOT NULL REFERENCES services (code),
  slot_start TEXT NOT NULL,
  slot_end TEXT NOT NULL,
  state TEXT NOT NULL
    CHECK (state IN ('held', 'confirmed', 'cancelled', 'expired', 'checked_in', 'no_show')),
  person_id TEXT NOT NULL REFERENCES people (id),
  phone_enc BLOB NOT NULL,
  phone_bidx BLOB NOT NULL,
  document_enc BLOB NOT NULL,
  document_bidx BLOB NOT NULL,
  lang TEXT NOT NULL CHECK (lang IN ('fr', 'sg', 'en')),
  code_hash BLOB,
  code_attempts INTEGER NOT NULL DEFAULT 0,
  hold_expires_at TEXT,
  waitlist_id TEXT REFERENCES waitlist (id),
  reminder_queued_at TEXT,
  checked_in_by TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX appointments_slot ON appointments (service_code, slot_start, state);
CREATE INDEX appointments_state_start ON appointments (state, slot_start);
CREATE INDEX appointments_phone ON appointments (phone_bidx, state);
CREATE INDEX appointments_document ON appointments (document_bidx, state);
