import { z } from 'zod';
import { sodium } from '../../../protocol/index.js';
import { decryptDocument, encryptDocument } from '../../crypto/document-cipher.js';
import { decryptField, encryptField, type FieldBinding } from '../../crypto/field-cipher.js';
import { newRowId } from '../../db/row-id.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { FileError, FileErrorCode } from './errors.js';
import { selectFileById } from './file-rows.js';
import { documentsDir, readScan, removeScan, writeScan } from './scan-files.js';

/** Largest scan a file takes: a multi-page PDF or a phone photo, not an archive. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** The formats agents scan to, by the bytes each file of that format starts with. */
const SIGNATURES = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
} as const;

/** A document's declared type. */
export const documentTypeSchema = z.enum(Object.keys(SIGNATURES) as [keyof typeof SIGNATURES]);
export type DocumentType = z.infer<typeof documentTypeSchema>;

/** What an agent says of a scan: what it is ("Passeport, page 2"). */
export const documentLabelSchema = z.string().trim().min(1).max(120);

/** A scanned document of a file, without its bytes. */
export interface FileDocument {
  readonly id: string;
  readonly fileId: string;
  readonly label: string;
  readonly contentType: DocumentType;
  readonly byteSize: number;
  readonly addedBy: string;
  readonly addedAt: string;
}

/** A new scan for a file. */
export interface NewDocument {
  readonly label: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

/** The type whose signature the bytes start with, if any. */
export function sniffDocumentType(bytes: Uint8Array): DocumentType | undefined {
  return documentTypeSchema.options.find((type) =>
    SIGNATURES[type].every((byte, index) => bytes[index] === byte),
  );
}

/**
 * Seals a scan, writes it beside the database, and attaches it to a file with an audit entry.
 * Refuses an unknown file, an empty or oversized scan, and bytes that are not the declared type: a
 * browser declares what the file name says, and a renamed file must not be served back as
 * something else. The scan's file is written first and removed again if the row is not.
 */
export async function addDocument(
  store: Store,
  fileId: string,
  input: NewDocument,
  actor: string,
  at: Date,
): Promise<FileDocument> {
  const label = documentLabelSchema.parse(input.label);
  const declared = documentTypeSchema.safeParse(input.contentType);
  if (input.bytes.length === 0 || input.bytes.length > MAX_DOCUMENT_BYTES) {
    throw new FileError(
      FileErrorCode.DocumentTooLarge,
      `a document is 1 byte to ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB (got ${input.bytes.length} bytes)`,
    );
  }
  const sniffed = sniffDocumentType(input.bytes);
  if (!declared.success || sniffed !== declared.data) {
    throw new FileError(
      FileErrorCode.DocumentTypeMismatch,
      `a document is a PDF, JPEG or PNG scan sent as such (declared ${input.contentType}, content ${sniffed ?? 'unknown'})`,
    );
  }
  if (!selectFileById(store, fileId)) throw new FileError(FileErrorCode.NotFound, `no file ${fileId}`);
  const document: FileDocument = {
    id: newRowId(),
    fileId,
    label,
    contentType: sniffed,
    byteSize: input.bytes.length,
    addedBy: actor,
    addedAt: at.toISOString(),
  };
  const dir = documentsDir(store);
  await writeScan(
    dir,
    document.id,
    encryptDocument(store.keys.document, input.bytes, bodyBinding(fileId, document.id)),
  );
  try {
    return immediateTransaction(store.db, () => {
      if (!selectFileById(store, fileId)) throw new FileError(FileErrorCode.NotFound, `no file ${fileId}`);
      store.db
        .prepare(
          `INSERT INTO file_documents (id, file_id, label_enc, content_type, byte_size, added_by, added_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          document.id,
          fileId,
          encryptField(store.keys.field, label, labelBinding(document.id)),
          document.contentType,
          document.byteSize,
          actor,
          document.addedAt,
        );
      appendAudit(store.db, {
        actor,
        action: 'file.document_added',
        entity: 'file',
        entityId: fileId,
        afterDigest: digestRecord(store.keys.audit, {
          ...document,
          bytes: sodium.crypto_generichash(32, input.bytes, null, 'hex'),
        }),
        at: document.addedAt,
      });
      return document;
    });
  } catch (error) {
    removeScan(dir, document.id);
    throw error;
  }
}

interface DocumentRow {
  id: string;
  file_id: string;
  label_enc: Uint8Array;
  content_type: DocumentType;
  byte_size: number;
  added_by: string;
  added_at: string;
}

const COLUMNS = 'id, file_id, label_enc, content_type, byte_size, added_by, added_at';

/** A file's documents, oldest first, without their bytes. */
export function listDocuments(store: Store, fileId: string): FileDocument[] {
  const rows = store.db
    .prepare(`SELECT ${COLUMNS} FROM file_documents WHERE file_id = ? ORDER BY added_at, id`)
    .all(fileId) as DocumentRow[];
  return rows.map((row) => toDocument(store, row));
}

/**
 * One document and its bytes, opened; refused when it is not this file's. A scan whose file is
 * missing, or does not open under its name, is an error of the node, not of the caller.
 */
export async function readDocument(
  store: Store,
  fileId: string,
  documentId: string,
): Promise<{ document: FileDocument; bytes: Uint8Array }> {
  const row = store.db
    .prepare(`SELECT ${COLUMNS} FROM file_documents WHERE id = ? AND file_id = ?`)
    .get(documentId, fileId) as DocumentRow | undefined;
  if (!row)
    throw new FileError(FileErrorCode.DocumentNotFound, `no document ${documentId} on file ${fileId}`);
  const dir = documentsDir(store);
  const sealed = await readScan(dir, documentId);
  if (!sealed) throw new Error(`the scan of document ${documentId} is missing from ${dir}`);
  return {
    document: toDocument(store, row),
    bytes: decryptDocument(store.keys.document, sealed, bodyBinding(fileId, documentId)),
  };
}

/** Bytes of all the scans kept (their plaintext sizes), for the operator's disk-space gauge. */
export function storedDocumentBytes(store: Store): number {
  return (
    store.db.prepare('SELECT coalesce(sum(byte_size), 0) AS n FROM file_documents').get() as { n: number }
  ).n;
}

function toDocument(store: Store, row: DocumentRow): FileDocument {
  return {
    id: row.id,
    fileId: row.file_id,
    label: decryptField(store.keys.field, row.label_enc, labelBinding(row.id)),
    contentType: row.content_type,
    byteSize: row.byte_size,
    addedBy: row.added_by,
    addedAt: row.added_at,
  };
}

function labelBinding(documentId: string): FieldBinding {
  return { table: 'file_documents', column: 'label_enc', rowId: documentId };
}

function bodyBinding(fileId: string, documentId: string): string {
  return `files/${fileId}/documents/${documentId}`;
}
