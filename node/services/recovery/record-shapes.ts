/**
 * Which rows make up each record the hub can hand back after a restore, and how a copy and the row
 * the restored node holds are compared. A record is the row an event's entity names (its root) and
 * the rows that only make sense with it (its history, its lines, its consents); the records it
 * points at (the person of a booking, the invoice of a payment) travel as records of their own.
 * The order of {@link RECORD_SHAPES} is the order they are put back in: a record comes after every
 * record it may point at, so that foreign keys hold.
 */

/** Rows of another table that belong to a record. */
export interface ChildRows {
  readonly table: string;
  /** `WHERE` clause on the child table, its parameter being the root's id. */
  readonly where: string;
  /**
   * Columns that tell one child row from another across machines. An `INTEGER PRIMARY KEY` counter
   * is not one: the restored node may have given the same number to another row since.
   */
  readonly identity: readonly string[];
  /** Columns left to the restored node (its own counter). */
  readonly omit?: readonly string[];
  /** Columns naming other records, copied along as the root's are. */
  readonly pointsAt?: Readonly<Record<string, string>>;
}

/** How the restored node's row and a recovered copy compare. */
export type Freshness =
  /** A version column (`updated_at`): the later wins. */
  | { readonly by: 'version'; readonly column: string }
  /** A row written once (a payment, a closing): the node's own, when it has one, stands. */
  | { readonly by: 'written_once' }
  /** A state that only moves forward (an invoice: open, then paid or cancelled). */
  | { readonly by: 'state'; readonly column: string; readonly initial: string };

export interface RecordShape {
  /** The event entity (`appointment`, `file`, …). */
  readonly entity: string;
  readonly table: string;
  readonly freshness: Freshness;
  readonly children: readonly ChildRows[];
  /** Columns naming other records, which are copied along: `column → entity`. */
  readonly pointsAt: Readonly<Record<string, string>>;
  /** Unique numbers the restored node may have handed out again since (receipts, vouchers). */
  readonly numbered?: readonly string[];
}

const UPDATED_AT: Freshness = { by: 'version', column: 'updated_at' };
const WRITTEN_ONCE: Freshness = { by: 'written_once' };

/** The transitions of a registration or a civil-status record (workflow_transitions). */
function workflowOf(entity: string): ChildRows {
  return {
    table: 'workflow_transitions',
    where: `entity = '${entity}' AND entity_id = ?`,
    identity: ['id'],
  };
}

export const RECORD_SHAPES: readonly RecordShape[] = [
  { entity: 'person', table: 'people', freshness: UPDATED_AT, children: [], pointsAt: {} },
  {
    entity: 'waitlist_entry',
    table: 'waitlist',
    freshness: UPDATED_AT,
    children: [],
    pointsAt: { person_id: 'person' },
  },
  {
    entity: 'file',
    table: 'files',
    freshness: UPDATED_AT,
    children: [{ table: 'file_transitions', where: 'file_id = ?', identity: ['file_id', 'seq'] }],
    pointsAt: { person_id: 'person' },
  },
  {
    entity: 'appointment',
    table: 'appointments',
    freshness: UPDATED_AT,
    children: [],
    pointsAt: { person_id: 'person', waitlist_id: 'waitlist_entry' },
  },
  {
    entity: 'invoice',
    table: 'invoices',
    freshness: { by: 'state', column: 'state', initial: 'open' },
    children: [{ table: 'invoice_lines', where: 'invoice_id = ?', identity: ['invoice_id', 'line_no'] }],
    pointsAt: { file_id: 'file', person_id: 'person' },
  },
  {
    entity: 'payment',
    table: 'payments',
    freshness: WRITTEN_ONCE,
    children: [],
    pointsAt: { invoice_id: 'invoice' },
    numbered: ['receipt_number'],
  },
  {
    entity: 'refund',
    table: 'refunds',
    freshness: WRITTEN_ONCE,
    children: [],
    pointsAt: { payment_id: 'payment' },
    numbered: ['voucher_number'],
  },
  { entity: 'cash_closing', table: 'cash_closings', freshness: WRITTEN_ONCE, children: [], pointsAt: {} },
  {
    entity: 'registration',
    table: 'registrations',
    freshness: UPDATED_AT,
    children: [
      {
        table: 'registration_consents',
        where: 'registration_id = ?',
        identity: ['registration_id', 'purpose', 'granted', 'at'],
        omit: ['id'],
      },
      workflowOf('registration'),
    ],
    pointsAt: { person_id: 'person' },
  },
  {
    entity: 'civil_status',
    table: 'civil_status_records',
    freshness: UPDATED_AT,
    children: [
      {
        table: 'civil_status_persons',
        where: 'record_id = ?',
        identity: ['id'],
        pointsAt: { person_id: 'person' },
      },
      workflowOf('civil_status'),
    ],
    pointsAt: {},
  },
];

const BY_ENTITY = new Map(RECORD_SHAPES.map((shape) => [shape.entity, shape]));

/** The shape of an event entity's record; undefined for entities that are not records to restore. */
export function shapeOf(entity: string): RecordShape | undefined {
  return BY_ENTITY.get(entity);
}

/** Where a record of this entity is put back among the others (parents first). */
export function restoreRank(entity: string): number {
  return RECORD_SHAPES.findIndex((shape) => shape.entity === entity);
}
