/** A value a query parameter may take. JSON goes as text and is cast in SQL (`$1::jsonb`). */
export type SqlParam = string | number | boolean | null | Date | Uint8Array;

/** A row as the driver returns it, after 64-bit integers are normalised to numbers. */
export type Row = Record<string, unknown>;

export interface QueryOptions {
  /**
   * A name under which PostgreSQL keeps the statement prepared on each connection, and after a few
   * runs its plan: for a statement run thousands of times whose planning costs more than its
   * execution (the registry's candidate search). One name, one text. PGlite plans each time.
   */
  readonly prepared?: string;
}

/** What both a database and a transaction offer. */
export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<T = Row>(text: string, params?: readonly SqlParam[], options?: QueryOptions): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** The hub's store: PostgreSQL through `pg`, or PGlite embedded. Same SQL on both. */
export interface Database extends Queryable {
  readonly engine: 'pg' | 'pglite';
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
   * Inside, use only the handle given: on PGlite the outer handle waits for the transaction to end.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs `fn` while holding a lock that excludes every other hub process on this database. */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * For a database server the hub runs itself (the embedded PostgreSQL): resolves with what
   * happened when that server stops without being asked to. The hub then cannot commit anything;
   * `econsulat hub run` exits non-zero so that its supervisor restarts both.
   */
  readonly lost?: Promise<string>;
}
