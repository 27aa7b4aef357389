// The PostgreSQL side of the synchronous SQL port (postgres-port.ts): a worker thread holding `pg`
// connections, answering one call at a time while the node's thread waits (synckit). Plain JavaScript
// so that it starts without a TypeScript loader.
import { Buffer } from 'node:buffer';
import pg from 'pg';
import { runAsWorker } from 'synckit';

// int8 columns (heights, times in ms, counts) as numbers, as SQLite gives them: all are below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (text) => Number(text));

const clients = new Map();
let nextId = 1;

const toPg = (value) =>
  value instanceof Uint8Array && !Buffer.isBuffer(value)
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    : value;

function client(id) {
  const found = clients.get(id);
  if (found === undefined) throw new Error('storage: the PostgreSQL connection is closed');
  return found;
}

async function query(id, sql, params) {
  const result = await client(id).query({ text: sql, values: params.map(toPg) });
  return result;
}

/** Carries PostgreSQL's SQLSTATE across the thread boundary, where only the message survives. */
function rethrow(err) {
  const code = typeof err?.code === 'string' ? err.code : undefined;
  throw new Error(code === undefined ? String(err?.message ?? err) : `[${code}] ${err.message}`);
}

runAsWorker(async (op, ...args) => {
  try {
    switch (op) {
      case 'connect': {
        const [connectionString, setup] = args;
        const c = new pg.Client({ connectionString });
        // A dropped connection surfaces as an error on the next query, not as an uncaught event.
        c.on('error', () => {});
        await c.connect();
        for (const sql of setup) await c.query(sql);
        const id = nextId++;
        clients.set(id, c);
        return id;
      }
      case 'all': {
        const [id, sql, params] = args;
        return (await query(id, sql, params)).rows;
      }
      case 'run': {
        const [id, sql, params] = args;
        return (await query(id, sql, params)).rowCount ?? 0;
      }
      case 'batch': {
        const [id, statements] = args;
        for (const s of statements) await query(id, s.sql, s.params ?? []);
        return null;
      }
      case 'exec': {
        const [id, script] = args;
        await client(id).query(script);
        return null;
      }
      case 'close': {
        const [id] = args;
        const c = clients.get(id);
        clients.delete(id);
        if (c !== undefined) await c.end();
        return null;
      }
      default:
        throw new Error(`storage: unknown worker call ${op}`);
    }
  } catch (err) {
    rethrow(err);
  }
});
