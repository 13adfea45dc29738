import type { Queryable } from '../../db/database.js';

// The SQL of the seal trust (migration 021). Callers hold the transaction.

/** A CSCA certificate in force. */
export interface CscaRow {
  readonly serialNumber: string;
  readonly certificatePem: string;
  readonly fingerprint: string;
  readonly recordedAt: Date;
}

/** A barcode signer certificate as recorded. */
export interface SignerRow {
  readonly serialNumber: string;
  readonly missionId: string;
  readonly signerIdentifier: string;
  readonly certificatePem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly issuedAt: Date;
  readonly revokedAt: Date | null;
  readonly revocationReason: string | null;
}

/** A revoked visa or laissez-passer. */
export interface RevokedDocumentRow {
  readonly documentType: 'visa' | 'emergency_travel_document';
  readonly documentNumber: string;
  readonly revokedAt: Date;
  readonly revokedBy: string;
  readonly reason: string;
}

export async function cscasInForce(db: Queryable): Promise<CscaRow[]> {
  return db.query<CscaRow>(
    `SELECT serial_number AS "serialNumber", certificate_pem AS "certificatePem", fingerprint,
            recorded_at AS "recordedAt"
       FROM visa_csca_certificates WHERE withdrawn_at IS NULL ORDER BY recorded_at, serial_number`,
  );
}

/** Records a CSCA certificate; false when it was already recorded. */
export async function insertCsca(
  tx: Queryable,
  row: CscaRow & { notBefore: Date; notAfter: Date; recordedBy: string },
): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO visa_csca_certificates
       (serial_number, certificate_pem, fingerprint, not_before, not_after, recorded_at, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING serial_number`,
    [
      row.serialNumber,
      row.certificatePem,
      row.fingerprint,
      row.notBefore,
      row.notAfter,
      row.recordedAt,
      row.recordedBy,
    ],
  );
  return inserted.length === 1;
}

const SIGNER_COLUMNS = `c.serial_number AS "serialNumber", c.mission_id AS "missionId",
  i.signer_identifier AS "signerIdentifier", c.certificate_pem AS "certificatePem",
  c.not_before AS "notBefore", c.not_after AS "notAfter", c.issued_at AS "issuedAt",
  c.revoked_at AS "revokedAt", c.revocation_reason AS "revocationReason"`;

export async function allSigners(db: Queryable): Promise<SignerRow[]> {
  return db.query<SignerRow>(
    `SELECT ${SIGNER_COLUMNS} FROM visa_signer_certificates c
       JOIN visa_signer_identifiers i USING (mission_id) ORDER BY c.issued_at, c.serial_number`,
  );
}

export async function signerBySerial(db: Queryable, serialNumber: string): Promise<SignerRow | undefined> {
  const [row] = await db.query<SignerRow>(
    `SELECT ${SIGNER_COLUMNS} FROM visa_signer_certificates c
       JOIN visa_signer_identifiers i USING (mission_id) WHERE c.serial_number = $1 FOR UPDATE OF c`,
    [serialNumber],
  );
  return row;
}

export async function isEnrolledMission(db: Queryable, missionId: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM missions WHERE id = $1', [missionId])).length === 1;
}

/** The signer identifier a mission holds, if any. */
export async function identifierOfMission(db: Queryable, missionId: string): Promise<string | undefined> {
  const [row] = await db.query<{ id: string }>(
    'SELECT signer_identifier AS id FROM visa_signer_identifiers WHERE mission_id = $1',
    [missionId],
  );
  return row?.id;
}

/** The mission holding a signer identifier, if any. */
export async function missionOfIdentifier(db: Queryable, identifier: string): Promise<string | undefined> {
  const [row] = await db.query<{ id: string }>(
    'SELECT mission_id AS id FROM visa_signer_identifiers WHERE signer_identifier = $1',
    [identifier],
  );
  return row?.id;
}

export async function insertIdentifier(tx: Queryable, missionId: string, identifier: string): Promise<void> {
  await tx.query('INSERT INTO visa_signer_identifiers (mission_id, signer_identifier) VALUES ($1, $2)', [
    missionId,
    identifier,
  ]);
}

export async function insertSigner(
  tx: Queryable,
  row: Omit<SignerRow, 'signerIdentifier' | 'revokedAt' | 'revocationReason'> & {
    cscaSerialNumber: string;
    issuedBy: string;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO visa_signer_certificates (serial_number, mission_id, csca_serial_number, certificate_pem,
       not_before, not_after, issued_at, issued_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      row.serialNumber,
      row.missionId,
      row.cscaSerialNumber,
      row.certificatePem,
      row.notBefore,
      row.notAfter,
      row.issuedAt,
      row.issuedBy,
    ],
  );
}

export async function markSignerRevoked(
  tx: Queryable,
  serialNumber: string,
  revocation: { at: Date; by: string; reason: string },
): Promise<void> {
  await tx.query(
    `UPDATE visa_signer_certificates SET revoked_at = $2, revoked_by = $3, revocation_reason = $4
      WHERE serial_number = $1 AND revoked_at IS NULL`,
    [serialNumber, revocation.at, revocation.by, revocation.reason],
  );
}

export async function revokedDocuments(db: Queryable): Promise<RevokedDocumentRow[]> {
  return db.query<RevokedDocumentRow>(
    `SELECT document_type AS "documentType", document_number AS "documentNumber",
            revoked_at AS "revokedAt", revoked_by AS "revokedBy", reason
       FROM visa_revoked_documents ORDER BY revoked_at, document_type, document_number`,
  );
}

/** Records a revoked document; the row in force when it was revoked already. */
export async function insertRevokedDocument(
  tx: Queryable,
  row: RevokedDocumentRow,
): Promise<{ row: RevokedDocumentRow; inserted: boolean }> {
  const inserted = await tx.query(
    `INSERT INTO visa_revoked_documents (document_type, document_number, revoked_at, revoked_by, reason)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING document_number`,
    [row.documentType, row.documentNumber, row.revokedAt, row.revokedBy, row.reason],
  );
  if (inserted.length === 1) return { row, inserted: true };
  const [existing] = await tx.query<RevokedDocumentRow>(
    `SELECT document_type AS "documentType", document_number AS "documentNumber",
            revoked_at AS "revokedAt", revoked_by AS "revokedBy", reason
       FROM visa_revoked_documents WHERE document_type = $1 AND document_number = $2`,
    [row.documentType, row.documentNumber],
  );
  if (!existing) throw new TypeError('a revoked document vanished inside its transaction');
  return { row: existing, inserted: false };
}

/** A CRL the CSCA signed, as the hub keeps it (migration 022). */
export interface CrlRow {
  readonly cscaSerialNumber: string;
  readonly crlNumber: number;
  readonly der: Uint8Array;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
}

/** The revoked signer certificates a CSCA issued, as its next CRL lists them. */
export async function revokedSignersOf(db: Queryable, cscaSerialNumber: string): Promise<SignerRow[]> {
  return db.query<SignerRow>(
    `SELECT ${SIGNER_COLUMNS} FROM visa_signer_certificates c
       JOIN visa_signer_identifiers i USING (mission_id)
      WHERE c.csca_serial_number = $1 AND c.revoked_at IS NOT NULL ORDER BY c.revoked_at, c.serial_number`,
    [cscaSerialNumber],
  );
}

/** The number the CSCA's next CRL takes (RFC 5280 §5.2.3: monotonically increasing). */
export async function nextCrlNumber(tx: Queryable, cscaSerialNumber: string): Promise<number> {
  const [row] = await tx.query<{ n: number | string }>(
    'SELECT coalesce(max(crl_number), 0) + 1 AS n FROM visa_revocation_lists WHERE csca_serial_number = $1',
    [cscaSerialNumber],
  );
  return Number(row?.n ?? 1);
}

export async function insertCrl(tx: Queryable, row: CrlRow & { signedBy: string }): Promise<void> {
  await tx.query(
    `INSERT INTO visa_revocation_lists (csca_serial_number, crl_number, der, this_update, next_update, signed_by)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [row.cscaSerialNumber, row.crlNumber, Buffer.from(row.der), row.thisUpdate, row.nextUpdate, row.signedBy],
  );
}

/** The newest CRL of each CSCA in force, the most recently signed first. */
export async function crlsInForce(db: Queryable): Promise<CrlRow[]> {
  const rows = await db.query<CrlRow>(
    `SELECT DISTINCT ON (l.csca_serial_number) l.csca_serial_number AS "cscaSerialNumber",
            l.crl_number AS "crlNumber", l.der, l.this_update AS "thisUpdate", l.next_update AS "nextUpdate"
       FROM visa_revocation_lists l
       JOIN visa_csca_certificates c ON c.serial_number = l.csca_serial_number AND c.withdrawn_at IS NULL
      ORDER BY l.csca_serial_number, l.crl_number DESC`,
  );
  return rows
    .map((row) => ({ ...row, crlNumber: Number(row.crlNumber), der: new Uint8Array(row.der) }))
    .sort((a, b) => new Date(b.thisUpdate).getTime() - new Date(a.thisUpdate).getTime());
}

/** The serial number of the CSCA that issued a signer certificate, if the hub holds it. */
export async function cscaOfSigner(db: Queryable, serialNumber: string): Promise<string | undefined> {
  const [row] = await db.query<{ id: string }>(
    'SELECT csca_serial_number AS id FROM visa_signer_certificates WHERE serial_number = $1',
    [serialNumber],
  );
  return row?.id;
}
