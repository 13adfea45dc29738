-- What border posts check visible digital seals against (issue 17; common/vds/README.md, "Trust
-- bundle"): the country signing CA of CAF, the barcode signer certificates it issued to the
-- missions, and what the ministry revoked. The CSCA's private key is never here: it stays offline.

-- The CSCA certificates in force; one is withdrawn (not deleted) when a new CSCA replaces it and
-- the last seal it vouches for has expired.
CREATE TABLE visa_csca_certificates (
  serial_number text PRIMARY KEY,
  certificate_pem text NOT NULL,
  -- SHA-256 of the DER, upper-case hex: what the ministry reads out to pin it.
  fingerprint text NOT NULL UNIQUE,
  not_before timestamptz NOT NULL,
  not_after timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  recorded_by text NOT NULL,
  withdrawn_at timestamptz
);

-- A mission's signer identifier (CF + 2 characters, the seal header's), fixed at its first
-- certificate and kept across renewals: two missions never share one.
CREATE TABLE visa_signer_identifiers (
  mission_id text PRIMARY KEY REFERENCES missions (id),
  signer_identifier text NOT NULL UNIQUE CHECK (signer_identifier ~ '^[A-Z]{2}[A-Z0-9]{2}$')
);

-- Every barcode signer certificate issued, revoked ones included: a verifier then names the
-- refusal (revoked_signer) instead of not knowing the signer.
CREATE TABLE visa_signer_certificates (
  -- Upper-case hex without leading zeros: the certificate reference a seal's header carries.
  serial_number text PRIMARY KEY,
  mission_id text NOT NULL REFERENCES visa_signer_identifiers (mission_id),
  csca_serial_number text NOT NULL REFERENCES visa_csca_certificates (serial_number),
  certificate_pem text NOT NULL,
  not_before timestamptz NOT NULL,
  not_after timestamptz NOT NULL,
  issued_at timestamptz NOT NULL,
  issued_by text NOT NULL,
  revoked_at timestamptz,
  revoked_by text,
  revocation_reason text,
  CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);
CREATE INDEX visa_signer_certificates_mission ON visa_signer_certificates (mission_id);

-- Visas and laissez-passers the ministry revoked, by the number in their MRZ.
CREATE TABLE visa_revoked_documents (
  document_type text NOT NULL CHECK (document_type IN ('visa', 'emergency_travel_document')),
  document_number text NOT NULL CHECK (document_number ~ '^[A-Z0-9]{1,9}$'),
  revoked_at timestamptz NOT NULL,
  revoked_by text NOT NULL,
  reason text NOT NULL,
  PRIMARY KEY (document_type, document_number)
);
