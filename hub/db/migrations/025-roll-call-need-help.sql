-- The list of the people who need help of a mission's roll-call (protocol/PROTOCOL.md, "Crisis
-- roll-calls", `roll_call.need_help`): sent only where the ministry's directive asked for it and
-- the mission's consul approved. One row per mission and roll-call, the whole list as last sent
-- (the newest listed_at stands; a tie goes to the event applied later). A withdrawal or the
-- mission's purge of the roll-call's answers leaves the row with sharing 'withdrawn' or 'purged'
-- and no one in it, so that an older list delivered again does not come back.
CREATE TABLE roll_call_need_help (
  mission_id text NOT NULL REFERENCES missions (id),
  roll_call_id text NOT NULL,
  directive_id uuid NOT NULL,
  sharing text NOT NULL CHECK (sharing IN ('approved', 'withdrawn', 'purged')),
  listed_at timestamptz NOT NULL,
  -- [{name, phone, city, answeredAt, outcome, outcomeAt}], [] unless sharing = 'approved'.
  people jsonb NOT NULL,
  event_id uuid NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (mission_id, roll_call_id),
  CHECK (sharing = 'approved' OR people = '[]'::jsonb)
);
CREATE INDEX roll_call_need_help_directive ON roll_call_need_help (directive_id);
