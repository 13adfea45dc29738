-- The list of the people who need help, asked by the ministry's directive and sent to HQ only once
-- the consul approves (protocol/PROTOCOL.md, "Crisis roll-calls"; services/roll-calls/
-- roll-call-need-help.ts). need_help_requested: the directive's `rollCall.needHelpList`.
-- need_help_decision: the consul's word, NULL until given; 'refused' after an approval withdraws it.
-- need_help_digest: BLAKE2b of the last list (or withdrawal) written for the hub, NULL when nothing
-- was ever written: an unchanged list is not sent again, and the purge tells HQ only what it holds.
ALTER TABLE roll_calls ADD COLUMN need_help_requested INTEGER NOT NULL DEFAULT 0
  CHECK (need_help_requested IN (0, 1));
ALTER TABLE roll_calls ADD COLUMN need_help_decision TEXT
  CHECK (need_help_decision IN ('approved', 'refused'));
ALTER TABLE roll_calls ADD COLUMN need_help_decided_by TEXT;
ALTER TABLE roll_calls ADD COLUMN need_help_decided_at TEXT;
ALTER TABLE roll_calls ADD COLUMN need_help_digest BLOB;

-- Roll-calls started before this migration by a directive that asked for the list: the request is
-- in the directive's body as the hub sent it.
UPDATE roll_calls SET need_help_requested = 1
WHERE directive_id IS NOT NULL AND EXISTS (
  SELECT 1 FROM directives d
  WHERE d.directive_id = roll_calls.directive_id AND json_extract(d.body, '$.rollCall.needHelpList') = 1
);
