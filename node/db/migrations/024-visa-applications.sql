-- Applications for a visa or a laissez-passer (an emergency travel document for a national who
-- lost their passport abroad). Each is a file (files row): its tracking number, secret, SMS
-- notifications, portal and USSD tracking and fee invoice are the file's. This table holds what
-- the seal needs: the passport and identity data (personal fields encrypted with the field cipher),
-- the stay, the decision and the document issued. The photo and the passport's bio page are file
-- documents (file_documents, sealed scans beside the database), referenced here.
CREATE TABLE visa_applications (
  id TEXT PRIMARY KEY,
  file_id TEXT NOT NULL UNIQUE REFERENCES files (id),
  kind TEXT NOT NULL CHECK (kind IN ('visa', 'laissez_passer')),
  state TEXT NOT NULL CHECK (
    state IN ('submitted', 'more_info_requested', 'prepared', 'granted', 'refused', 'issued')
  ),
  lang TEXT NOT NULL CHECK (lang IN ('fr', 'sg', 'en')),
  -- Identity and passport: encrypted; the passport number also as a blind index, for the one open
  -- application per passport rule below.
  passport_number_enc BLOB NOT NULL,
  passport_number_bidx BLOB NOT NULL,
  passport_expiry_enc BLOB NOT NULL,
  nationality_enc BLOB NOT NULL,
  family_name_enc BLOB NOT NULL,
  given_names_enc BLOB NOT NULL,
  birth_date_enc BLOB NOT NULL,
  sex_enc BLOB NOT NULL,
  -- The stay: dates are not personal on their own; the purpose is free text, encrypted.
  arrival_date TEXT NOT NULL,
  departure_date TEXT NOT NULL,
  purpose_enc BLOB NOT NULL,
  photo_document_id TEXT NOT NULL REFERENCES file_documents (id),
  bio_page_document_id TEXT NOT NULL REFERENCES file_documents (id),
  -- The agent's last request for more information (free text about the applicant: encrypted).
  info_request_enc BLOB,
  prepared_by TEXT,
  prepared_at TEXT,
  -- The consul's decision: a grant's terms, or a refusal's reason code from the service's list.
  decided_by TEXT,
  decided_at TEXT,
  visa_type TEXT,
  entries INTEGER CHECK (entries IS NULL OR entries BETWEEN 0 AND 255),
  stay_days INTEGER CHECK (stay_days IS NULL OR stay_days BETWEEN 1 AND 999),
  valid_from TEXT,
  valid_until TEXT,
  refusal_reason TEXT,
  -- The document issued: its number (unique across visas and laissez-passer), the whole seal
  -- (header, message zone, signature) as printed in the DataMatrix.
  document_number TEXT UNIQUE,
  seal BLOB,
  issued_by TEXT,
  issued_at TEXT,
  submitted_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK ((state = 'issued') = (seal IS NOT NULL)),
  CHECK ((state = 'refused') = (refusal_reason IS NOT NULL))
) STRICT;
-- The queues of the back office: applications in one state, oldest first.
CREATE INDEX visa_applications_queue ON visa_applications (state, submitted_at);
-- One open application per passport number: refused and issued ones close it.
CREATE UNIQUE INDEX visa_applications_one_open ON visa_applications (passport_number_bidx)
WHERE state IN ('submitted', 'more_info_requested', 'prepared', 'granted');
