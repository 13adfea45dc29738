-- Crisis roll-calls (protocol/PROTOCOL.md, "Crisis roll-calls"): what the ministry ordered, and the
-- counts each mission last reported of each of its roll-calls. Counts only: nothing personal.

-- The roll-call a directive orders ({title, message, zone, endsAt, needHelpList}), as on the wire;
-- null for an ordinary directive. Sent again with the directive (reminders, a resync).
ALTER TABLE directives ADD COLUMN roll_call jsonb;
CREATE INDEX directives_roll_calls ON directives (issued_at) WHERE roll_call IS NOT NULL;

-- Per mission and roll-call (the mission's id of it), the counts with the newest counted_at; a tie
-- goes to the event applied later. directive_id is null for a roll-call the mission started itself.
CREATE TABLE roll_call_counts (
  mission_id text NOT NULL REFERENCES missions (id),
  roll_call_id text NOT NULL,
  directive_id uuid,
  title text NOT NULL,
  state text NOT NULL CHECK (state IN ('open', 'closed')),
  started_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  closed_at timestamptz,
  counted_at timestamptz NOT NULL,
  people integer NOT NULL,
  reached integer NOT NULL,
  safe integer NOT NULL,
  need_help integer NOT NULL,
  not_in_zone integer NOT NULL,
  no_answer integer NOT NULL,
  event_id uuid NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (mission_id, roll_call_id)
);
CREATE INDEX roll_call_counts_directive ON roll_call_counts (directive_id) WHERE directive_id IS NOT NULL;
