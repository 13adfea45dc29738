import BetterSqlite3 from 'better-sqlite3';

/** What a node's SQLite says about its side of the link (read-only: the node may be running). */
export interface NodeLinkState {
  readonly queued: number;
  readonly undelivered: number;
  /** Sealed envelopes still waiting for the hub's acknowledgement (acknowledged ones are kept too). */
  readonly held: number;
  /** Envelopes the node sealed on its channel to the hub. */
  readonly sealed: number;
  readonly ackedUpTo: number;
  readonly ids: string[];
}

/** Reads the node's outbox and channel from its database file, on a connection of its own. */
export function readNodeLinkState(path: string): NodeLinkState {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const channel = db
      .prepare("SELECT next_send_seq, acked_up_to FROM link_channel WHERE peer = 'hub'")
      .get() as { next_send_seq: number; acked_up_to: number } | undefined;
    return {
      queued: count('SELECT count(*) AS n FROM outbox'),
      undelivered: count('SELECT count(*) AS n FROM outbox WHERE delivered_at IS NULL'),
      held: count('SELECT count(*) AS n FROM link_sent WHERE acked_at IS NULL'),
      sealed: (channel?.next_send_seq ?? 1) - 1,
      ackedUpTo: channel?.acked_up_to ?? 0,
      ids: (db.prepare('SELECT id FROM outbox ORDER BY seq').all() as { id: string }[]).map((row) => row.id),
    };
  } finally {
    db.close();
  }
}
