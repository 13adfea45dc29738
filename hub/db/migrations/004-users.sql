-- Ministry users of the hub: argon2id passwords, mandatory TOTP, recovery codes, sessions, lockout.

CREATE TABLE hub_users (
  id uuid PRIMARY KEY,
  -- Stored lower-case: "Directrice" and "directrice" are one account.
  username text NOT NULL UNIQUE,
  display_name text NOT NULL,
  -- A JSON array of role names (hub/services/users/permissions.ts); several allowed.
  roles jsonb NOT NULL,
  active boolean NOT NULL DEFAULT true,
  -- libsodium crypto_pwhash_str: "$argon2id$v=19$m=…,t=…,p=1$salt$hash".
  password_hash text NOT NULL,
  -- XChaCha20-Poly1305 of the base32 secret under a key the database never holds (nonce ‖ ciphertext).
  totp_secret_enc bytea,
  -- Login is refused until the user has proved, with one code, that the app holds the secret.
  totp_confirmed_at timestamptz,
  -- The last RFC 6238 time step accepted: a code at or before it is a replay.
  totp_last_step bigint,
  created_at timestamptz NOT NULL,
  last_login_at timestamptz,
  CHECK (jsonb_typeof(roles) = 'array')
);

-- Keyed hashes of single-use recovery codes.
CREATE TABLE hub_user_recovery_codes (
  user_id uuid NOT NULL REFERENCES hub_users (id) ON DELETE CASCADE,
  code_hash bytea NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

-- Only the hash of a bearer token is kept: a copy of the database opens no session.
CREATE TABLE hub_sessions (
  token_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES hub_users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX hub_sessions_user ON hub_sessions (user_id) WHERE revoked_at IS NULL;

-- Consecutive failed logins per username, known or not, so a lock reveals nothing about existence.
CREATE TABLE hub_login_attempts (
  username text PRIMARY KEY,
  failures integer NOT NULL,
  locked_until timestamptz,
  last_attempt_at timestamptz NOT NULL
);
