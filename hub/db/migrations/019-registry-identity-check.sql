-- What the rules need to keep the national registry from answering whoever can type a name
-- (protocol/PROTOCOL.md, "The national registry").

-- The agent's check of the person's document, as registry.submission carried it
-- ({documentKind, checkedAt}); null when none did (an older node, or a record no agent checked):
-- the rules then leave the submission to an officer.
ALTER TABLE registry_submissions ADD COLUMN identity_check jsonb;

-- The last UTC day the rules held the submission back because its mission had used up its daily
-- bound. Kept once the submission is decided, so that every submission ever held back is counted.
ALTER TABLE registry_submissions ADD COLUMN held_on date;
CREATE INDEX registry_submissions_held ON registry_submissions (mission_id, status) WHERE held_on IS NOT NULL;

-- Each pass counts the decisions the rules took today per mission: only today's are read.
CREATE INDEX registry_decisions_by_rule ON registry_decisions (decided_at) WHERE decided_by = 'rule';
