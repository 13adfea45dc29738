-- Providers' settlement and transaction reports (Stripe's itemized balance report, MTN MoMo's
-- transaction export) imported at the mission and matched line by line to the payments the node
-- recorded. Amounts are integer minor units of the line's ISO 4217 currency; days are the mission's.

-- One imported file. The same bytes for the same provider are one import: a second upload finds
-- this row and changes nothing. first_day/last_day are the mission days its payment lines cover:
-- the node's payments of those days that no line matched are listed as missing.
CREATE TABLE settlement_imports (
  id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('stripe_balance', 'momo_transactions')),
  file_digest TEXT NOT NULL,
  file_name TEXT,
  first_day TEXT,
  last_day TEXT,
  line_count INTEGER NOT NULL CHECK (line_count >= 0),
  imported_by TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  UNIQUE (provider, file_digest)
) STRICT;
CREATE INDEX settlement_imports_days ON settlement_imports (provider, first_day, last_day);

-- Each line of a report with its outcome: matched (payment_id set), duplicate (the same provider
-- transaction, or the same payment, already counted in this file or an earlier import),
-- amount_mismatch (payment_id set, expected_minor what the node recorded), unknown_reference (no
-- payment of ours), other (not a payment: a payout, a fee, a refund, a failed transfer).
-- reference is what the line names of ours (a checkout id, an invoice id).
CREATE TABLE settlement_lines (
  import_id TEXT NOT NULL REFERENCES settlement_imports (id),
  line_no INTEGER NOT NULL,
  provider TEXT NOT NULL,
  provider_txn_id TEXT NOT NULL,
  category TEXT NOT NULL,
  reference TEXT,
  occurred_at TEXT NOT NULL,
  business_date TEXT NOT NULL,
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  gross_minor INTEGER NOT NULL,
  fee_minor INTEGER NOT NULL,
  net_minor INTEGER NOT NULL,
  outcome TEXT NOT NULL
    CHECK (outcome IN ('matched', 'duplicate', 'amount_mismatch', 'unknown_reference', 'other')),
  payment_id TEXT REFERENCES payments (id),
  expected_minor INTEGER,
  PRIMARY KEY (import_id, line_no)
) STRICT;
-- A provider transaction is counted once, whatever the files that repeat it.
CREATE UNIQUE INDEX settlement_lines_counted ON settlement_lines (provider, provider_txn_id)
  WHERE outcome <> 'duplicate';
-- A payment is settled by one line at most.
CREATE UNIQUE INDEX settlement_lines_payment ON settlement_lines (payment_id)
  WHERE payment_id IS NOT NULL AND outcome IN ('matched', 'amount_mismatch');
CREATE INDEX settlement_lines_day ON settlement_lines (business_date, provider, currency);
