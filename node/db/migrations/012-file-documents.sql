-- Scanned documents of a file (passport pages, birth certificates, photos), attached by the
-- agents. The scan itself is sealed with libsodium's secretstream under the data key's document
-- subkey and bound to its file and id, so a scan moved to another row or file does not open; the
-- label is free text and is encrypted like every personal field. Kept in the database rather than
-- beside it so that the nightly backup and a restore carry them with everything else.
CREATE TABLE file_documents (
  id TEXT PRIMARY KEY,
  file_id TEXT NOT NULL REFERENCES files (id),
  label_enc BLOB NOT NULL,
  content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  byte_size INTEGER NOT NULL CHECK (byte_size > 0),
  body_enc BLOB NOT NULL,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL
) STRICT;
CREATE INDEX file_documents_file ON file_documents (file_id, added_at);
