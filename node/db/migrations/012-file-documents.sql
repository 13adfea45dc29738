-- Scanned documents of a file (passport pages, birth certificates, photos), attached by the
-- agents. The scans themselves are files beside the database (`documents/<id>.scan`), sealed with
-- libsodium's secretstream under the data key's document subkey and bound to their file and id,
-- so a scan moved to another name or file does not open. They never change once written, so a
-- backup copies each one once instead of with every nightly copy of the database. The label is
-- free text and is encrypted like every personal field.
CREATE TABLE file_documents (
  id TEXT PRIMARY KEY,
  file_id TEXT NOT NULL REFERENCES files (id),
  label_enc BLOB NOT NULL,
  content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  byte_size INTEGER NOT NULL CHECK (byte_size > 0),
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL
) STRICT;
CREATE INDEX file_documents_file ON file_documents (file_id, added_at);

-- Scans deleted (by the retention purge), and when: a backup folder may drop its copy of a scan
-- once every backup it keeps was taken after the deletion.
CREATE TABLE file_documents_deleted (
  id TEXT PRIMARY KEY,
  deleted_at TEXT NOT NULL
) STRICT;
