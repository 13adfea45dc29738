// Copies the write-ahead log back into the database file from its own thread and connection, so
// that the node's event loop never waits for a checkpoint's writes and disk flushes.
// Plain JavaScript so that the worker starts under node, tsx and vitest alike, with no loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const messageOf = (error) => (error instanceof Error ? error.message : String(error));

let db;
try {
  db = new Database(workerData.path, { fileMustExist: true });
  // A checkpoint never runs application code; the file is not trusted code either way.
  db.pragma('trusted_schema = OFF');
  // A checkpoint copies WAL frames to the file without the page cache: 64 KB instead of 2 MB.
  db.pragma('cache_size = -64');
} catch (error) {
  // Told, then the thread ends: the node's connection takes its checkpoints back.
  parentPort.postMessage({ error: `cannot open ${workerData.path}: ${messageOf(error)}` });
  parentPort.close();
}

// PASSIVE waits for nobody: it copies what every reader has moved past and leaves the rest to the
// next round. Once all is copied, the node's next write starts the log again from its beginning.
let last = '';
let quietRounds = 0;
function checkpoint() {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    // Told only of news; after enough rounds without any, the thread ends (the node starts it
    // again at its next group commit, and its own commits checkpoint meanwhile).
    const round = `${result.log}/${result.checkpointed}`;
    if (round === last) {
      if (++quietRounds >= workerData.idleRounds) end({ idle: true });
      return;
    }
    last = round;
    quietRounds = 0;
    parentPort.postMessage({ checkpointed: result.checkpointed, log: result.log });
  } catch (error) {
    parentPort.postMessage({ error: messageOf(error) });
  }
}

let timer;
function end(message) {
  clearInterval(timer);
  db.close();
  if (message) parentPort.postMessage(message);
  parentPort.close();
}

if (db) {
  timer = setInterval(checkpoint, workerData.intervalMs);
  parentPort.on('message', (message) => {
    if (message === 'stop') end();
  });
}
