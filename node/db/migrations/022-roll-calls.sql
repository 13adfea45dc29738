-- Crisis roll-calls (node/services/roll-calls/): "are you safe?" to the registered nationals of a
-- zone, answered by SMS, counted for the mission. Title and messages are the mission's own words,
-- not personal data: they stay clear. Phone numbers are kept only encrypted (*_enc, bound to
-- table, column and row) beside their keyed blind index (*_bidx, crypto/blind-index.ts), which is
-- what answers are matched on.
CREATE TABLE roll_calls (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  message_fr TEXT NOT NULL,
  message_sg TEXT NOT NULL,
  message_en TEXT NOT NULL,
  -- JSON: {"all":true}, {"cities":[…]} or {"regions":[…]}.
  zone TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
  origin TEXT NOT NULL CHECK (origin IN ('local', 'directive')),
  -- The hub directive that asked for it (origin 'directive').
  directive_id TEXT,
  started_by TEXT NOT NULL,
  started_at TEXT NOT NULL,
  closed_by TEXT,
  closed_at TEXT,
  -- The counts at the purge of the answers (JSON): what stays of the roll-call once they are gone.
  summary TEXT,
  answers_purged_at TEXT,
  CHECK ((origin = 'directive') = (directive_id IS NOT NULL))
) STRICT;
CREATE INDEX roll_calls_open ON roll_calls (state, ends_at);
CREATE UNIQUE INDEX roll_calls_directive ON roll_calls (directive_id) WHERE directive_id IS NOT NULL;

-- One SMS per phone per roll-call: a household sharing a phone gets one message naming them all.
-- sms_id is the sms_outbox row once queued; NULL until then, so queueing again only takes the rest.
CREATE TABLE roll_call_phones (
  roll_call_id TEXT NOT NULL REFERENCES roll_calls (id),
  phone_bidx BLOB NOT NULL,
  phone_enc BLOB NOT NULL,
  language TEXT NOT NULL CHECK (language IN ('fr', 'sg', 'en')),
  sms_id INTEGER,
  queued_at TEXT,
  PRIMARY KEY (roll_call_id, phone_bidx)
) STRICT, WITHOUT ROWID;
-- An inbound SMS finds the roll-calls that reached its phone.
CREATE INDEX roll_call_phones_phone ON roll_call_phones (phone_bidx);

-- One row per registered person of the zone, with their answer and an agent's follow-up. Those
-- without a phone are here too (phone_bidx NULL): no SMS reaches them, an agent's visit may.
CREATE TABLE roll_call_targets (
  roll_call_id TEXT NOT NULL REFERENCES roll_calls (id),
  person_id TEXT NOT NULL REFERENCES people (id),
  registration_id TEXT NOT NULL REFERENCES registrations (id),
  phone_bidx BLOB,
  status TEXT NOT NULL DEFAULT 'no_answer'
    CHECK (status IN ('no_answer', 'safe', 'need_help', 'not_in_zone')),
  answered_at TEXT,
  answer_channel TEXT CHECK (answer_channel IN ('sms', 'ussd', 'web', 'agent')),
  -- The last reply that was not an answer code (its text is in roll_call_inbound).
  free_text_at TEXT,
  outcome TEXT CHECK (outcome IN ('reached_by_phone', 'visited', 'evacuated', 'unreachable')),
  outcome_by TEXT,
  outcome_at TEXT,
  PRIMARY KEY (roll_call_id, person_id),
  FOREIGN KEY (roll_call_id, phone_bidx) REFERENCES roll_call_phones (roll_call_id, phone_bidx)
) STRICT, WITHOUT ROWID;
CREATE INDEX roll_call_targets_phone ON roll_call_targets (phone_bidx, roll_call_id);

-- Every SMS the gateway handed in, once per gateway id: answers, free text, replies to a closed
-- roll-call and from unknown numbers alike, so none is lost and a retried callback counts once.
CREATE TABLE roll_call_inbound (
  id TEXT PRIMARY KEY,
  gateway_id TEXT NOT NULL UNIQUE,
  -- The roll-call it was matched or attributed to; NULL for a number no roll-call reached.
  roll_call_id TEXT REFERENCES roll_calls (id),
  disposition TEXT NOT NULL
    CHECK (disposition IN ('answer', 'free_text', 'late', 'unknown_phone')),
  phone_bidx BLOB,
  from_enc BLOB NOT NULL,
  text_enc BLOB NOT NULL,
  sent_at TEXT,
  received_at TEXT NOT NULL
) STRICT;
CREATE INDEX roll_call_inbound_roll_call ON roll_call_inbound (roll_call_id, disposition, received_at);
CREATE INDEX roll_call_inbound_received ON roll_call_inbound (received_at);
