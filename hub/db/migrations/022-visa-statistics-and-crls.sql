-- HQ's figures of visas and laissez-passer (issue 17), from the missions' visa.requested and
-- visa.decided events (protocol/messages/visas.ts): one row per application and mission, counts
-- and durations only — never a name or a passport number. Keyed by the application, not by the
-- event: an event applied twice, or sent again under a new id after a mission's restore, leaves
-- one row.
CREATE TABLE visa_statistics (
  mission_id text NOT NULL,
  -- The mission's id of the application (the events' entityId).
  application_id text NOT NULL,
  document_kind text NOT NULL CHECK (document_kind IN ('visa', 'laissez_passer')),
  -- The applicant's nationality as the MRZ writes it (ISO 3166 alpha-3, or Doc 9303-3's D<<).
  nationality text NOT NULL CHECK (nationality ~ '^[A-Z][A-Z<]{2}$'),
  -- When the applicant submitted: the period "requested" counts under.
  requested_at timestamptz NOT NULL,
  decided_at timestamptz,
  outcome text CHECK (outcome IN ('granted', 'refused')),
  visa_type text,
  -- From submission to decision.
  processing_hours double precision CHECK (processing_hours >= 0),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (mission_id, application_id),
  CHECK ((decided_at IS NULL) = (outcome IS NULL)),
  CHECK ((decided_at IS NULL) = (processing_hours IS NULL))
);
CREATE INDEX visa_statistics_requested ON visa_statistics (requested_at);
CREATE INDEX visa_statistics_decided ON visa_statistics (decided_at) WHERE decided_at IS NOT NULL;

-- The X.509 CRLs the CSCA signed (RFC 5280 §5) listing the revoked barcode signer certificates.
-- Signed at the console with the CSCA's key file (`hub csca revoke-signer`, `hub csca bundle`),
-- which the hub never holds: the hub keeps and publishes what was signed. The newest of each CSCA
-- is the one in force.
CREATE TABLE visa_revocation_lists (
  csca_serial_number text NOT NULL REFERENCES visa_csca_certificates (serial_number),
  -- The CRL number extension (RFC 5280 §5.2.3): increases with each CRL of a CSCA.
  crl_number bigint NOT NULL CHECK (crl_number > 0),
  der bytea NOT NULL,
  this_update timestamptz NOT NULL,
  next_update timestamptz NOT NULL,
  signed_by text NOT NULL,
  PRIMARY KEY (csca_serial_number, crl_number)
);
