-- Files (dossiers) with their workflow history, and the money of the mission: invoices, payments,
-- refunds, receipt numbers, daily cash closings and online providers' checkouts and webhooks.
-- Services are named by their catalogue code, without a foreign key: the catalogue is replaced
-- wholesale when the hub publishes a new version, and a file outlives a withdrawn service.
-- Amounts are integer minor units of the row's ISO 4217 currency.

CREATE TABLE files (
  id TEXT PRIMARY KEY,
  tracking_number TEXT NOT NULL UNIQUE,
  person_id TEXT NOT NULL REFERENCES people (id),
  service_code TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('counter', 'online')),
  lang TEXT NOT NULL CHECK (lang IN ('fr', 'sg', 'en')),
  state TEXT NOT NULL,
  state_since TEXT NOT NULL,
  opened_by TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
-- The agents' queue: files in one state, oldest first.
CREATE INDEX files_queue ON files (state, state_since);
CREATE INDEX files_person ON files (person_id);

-- Every move of a file, with who and when; from_state is NULL for the opening. The note is free
-- text an agent writes about an applicant: encrypted like every personal field.
CREATE TABLE file_transitions (
  file_id TEXT NOT NULL REFERENCES files (id),
  seq INTEGER NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  note_enc BLOB,
  PRIMARY KEY (file_id, seq)
) STRICT;
CREATE TRIGGER file_transitions_no_update BEFORE UPDATE ON file_transitions
BEGIN SELECT RAISE(ABORT, 'file_transitions is append-only'); END;

-- Gapless numbering per series and year (receipts, refund vouchers): the counter row is updated in
-- the transaction of the payment, so a rolled-back payment gives its number back.
CREATE TABLE number_series (
  series TEXT NOT NULL,
  year INTEGER NOT NULL,
  last_value INTEGER NOT NULL,
  PRIMARY KEY (series, year)
) STRICT;

CREATE TABLE invoices (
  id TEXT PRIMARY KEY,
  file_id TEXT REFERENCES files (id),
  person_id TEXT REFERENCES people (id),
  service_code TEXT NOT NULL,
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  total_minor INTEGER NOT NULL CHECK (total_minor > 0),
  state TEXT NOT NULL CHECK (state IN ('open', 'paid', 'cancelled')),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  paid_at TEXT
) STRICT;
CREATE INDEX invoices_file ON invoices (file_id);

CREATE TABLE invoice_lines (
  invoice_id TEXT NOT NULL REFERENCES invoices (id),
  line_no INTEGER NOT NULL,
  fee_code TEXT NOT NULL,
  label TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  unit_minor INTEGER NOT NULL CHECK (unit_minor >= 0),
  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
  PRIMARY KEY (invoice_id, line_no)
) STRICT;

-- Cash at the counter (cashbox set) or online through a provider (provider and its reference set).
-- business_date is the mission's local date: what the daily closing counts.
CREATE TABLE payments (
  id TEXT PRIMARY KEY,
  invoice_id TEXT NOT NULL REFERENCES invoices (id),
  receipt_number TEXT NOT NULL UNIQUE,
  method TEXT NOT NULL CHECK (method IN ('cash', 'online')),
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  currency TEXT NOT NULL,
  cashbox TEXT,
  provider TEXT,
  provider_ref TEXT,
  business_date TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  CHECK ((method = 'cash') = (cashbox IS NOT NULL))
) STRICT;
CREATE INDEX payments_invoice ON payments (invoice_id);
CREATE INDEX payments_cash_day ON payments (business_date, currency, cashbox) WHERE method = 'cash';

-- The reason may name the applicant or their circumstances: encrypted.
CREATE TABLE refunds (
  id TEXT PRIMARY KEY,
  payment_id TEXT NOT NULL REFERENCES payments (id),
  voucher_number TEXT NOT NULL UNIQUE,
  method TEXT NOT NULL CHECK (method IN ('cash', 'provider')),
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  currency TEXT NOT NULL,
  cashbox TEXT,
  reason_enc BLOB NOT NULL,
  business_date TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  CHECK ((method = 'cash') = (cashbox IS NOT NULL))
) STRICT;
CREATE INDEX refunds_payment ON refunds (payment_id);
CREATE INDEX refunds_cash_day ON refunds (business_date, currency, cashbox) WHERE method = 'cash';

-- One closing per cashbox, currency and local day; a day once closed takes no more cash movements.
-- The note explains a discrepancy and may be about people: encrypted.
CREATE TABLE cash_closings (
  id TEXT PRIMARY KEY,
  business_date TEXT NOT NULL,
  currency TEXT NOT NULL,
  cashbox TEXT NOT NULL,
  expected_minor INTEGER NOT NULL,
  counted_minor INTEGER NOT NULL CHECK (counted_minor >= 0),
  status TEXT NOT NULL CHECK (status IN ('balanced', 'discrepancy')),
  note_enc BLOB,
  closed_by TEXT NOT NULL,
  closed_at TEXT NOT NULL,
  UNIQUE (business_date, currency, cashbox)
) STRICT;
CREATE INDEX cash_closings_status ON cash_closings (status, business_date);

-- A checkout opened with an online provider for an invoice.
CREATE TABLE checkouts (
  id TEXT PRIMARY KEY,
  invoice_id TEXT NOT NULL REFERENCES invoices (id),
  provider TEXT NOT NULL,
  provider_ref TEXT NOT NULL,
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
  created_at TEXT NOT NULL,
  UNIQUE (provider, provider_ref)
) STRICT;

-- Each provider event applied once: a replay finds its id here and changes nothing.
CREATE TABLE webhook_events (
  provider TEXT NOT NULL,
  event_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (provider, event_id)
) STRICT;

-- Webhooks refused before they were applied (bad signature, stale, malformed): for the consul and
-- the IT referent. Only a digest of the body is kept.
CREATE TABLE webhook_rejections (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  provider TEXT NOT NULL,
  reason TEXT NOT NULL,
  body_digest TEXT NOT NULL,
  received_at TEXT NOT NULL
) STRICT;
