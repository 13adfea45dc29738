-- Staff accounts of the back office: argon2id passwords, mandatory TOTP, recovery codes, lockout
-- counters and sessions. No secret is stored in a form that opens it without the data key.

-- display_name_enc is personal data (field key). password_hash is an argon2id string ($argon2id$…).
-- totp_secret_enc is the enrolled RFC 6238 secret, totp_pending_enc one awaiting its first code;
-- both are field ciphertexts. totp_last_step is the last accepted time step (replay guard).
CREATE TABLE staff_users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name_enc BLOB NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 1 CHECK (must_change_password IN (0, 1)),
  password_changed_at TEXT NOT NULL,
  totp_secret_enc BLOB,
  totp_pending_enc BLOB,
  totp_enrolled_at TEXT,
  totp_last_step INTEGER,
  last_login_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE staff_roles (
  user_id TEXT NOT NULL REFERENCES staff_users (id),
  role TEXT NOT NULL CHECK (role IN ('agent', 'consul', 'admin', 'auditor')),
  PRIMARY KEY (user_id, role)
) STRICT;

-- Single-use recovery codes: keyed BLAKE2b of the code (they are random, so a fast hash suffices).
CREATE TABLE staff_recovery_codes (
  user_id TEXT NOT NULL REFERENCES staff_users (id),
  code_hash BLOB NOT NULL,
  used_at TEXT,
  PRIMARY KEY (user_id, code_hash)
) STRICT;

-- Consecutive failed logins, keyed by the username as typed (normalised) rather than by account, so
-- that an unknown username locks exactly like a real one and the lockout reveals no account.
CREATE TABLE staff_login_failures (
  username TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_at TEXT NOT NULL,
  locked_until TEXT
) STRICT;

-- The client holds a random 32-byte token; only its BLAKE2b hash is here, so a copy of the file
-- opens no session. csrf_secret_enc is the per-session CSRF secret of the forms layer.
CREATE TABLE staff_sessions (
  id TEXT PRIMARY KEY,
  token_hash BLOB NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES staff_users (id),
  csrf_secret_enc BLOB NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  revoke_reason TEXT
) STRICT;
CREATE INDEX staff_sessions_user ON staff_sessions (user_id) WHERE revoked_at IS NULL;
