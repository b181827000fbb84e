/**
 * A query process of bench/sql-search.bench.ts: opens the benchmark's database with its own KmerSearch handle,
 * warms up, waits for the parent's signal, runs its share of the queries through `db.query` one after another,
 * and sends back the elapsed time and each query's rows. Several of these run at once to measure queries per
 * second with more than one core: a handle answers one statement at a time on its process's main thread, so
 * parallel SQL searches need parallel handles (processes; LMDB readers never block each other).
 */
import { KmerSearch } from '../src/index.js';

export type ClientRequest =
  | {
      readonly type: 'start';
      readonly path: string;
      readonly indexCacheSize: number;
      readonly setup: string;
      readonly sql: string;
      readonly queries: readonly string[];
      readonly warmup: number;
    }
  | { readonly type: 'go' };

export type ClientReply =
  | { readonly type: 'ready' }
  | {
      readonly type: 'done';
      readonly milliseconds: number;
      /** CPU time of this process while it ran its queries (user + system, all its threads). */
      readonly cpuMilliseconds: number;
      readonly results: readonly (readonly [string, number])[][];
    };

/** Sends a reply; `then` runs once it has left (disconnecting earlier could drop a large reply). */
const send = (reply: ClientReply, then?: () => void): void => void process.send?.(reply, undefined, {}, () => then?.());

let database: KmerSearch | undefined;
let request: Extract<ClientRequest, { type: 'start' }> | undefined;

process.on('message', (message: ClientRequest) => {
  void (async () => {
    if (message.type === 'start') {
      request = message;
      database = await KmerSearch.open({ path: message.path, indexCacheSize: message.indexCacheSize });
      await database.exec(message.setup);
      for (const query of message.queries.slice(0, message.warmup)) await database.query(message.sql, [query]);
      send({ type: 'ready' });
      return;
    }
    if (database === undefined || request === undefined) throw new Error('go before start');
    const results: (readonly [string, number])[][] = [];
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (const query of request.queries) {
      const rows = (await database.query<{ name: string; score: number }>(request.sql, [query])).rows;
      results.push(rows.map((row) => [row.name, row.score] as const));
    }
    const milliseconds = performance.now() - started;
    const used = process.cpuUsage(cpu);
    await database.close();
    send({ type: 'done', milliseconds, cpuMilliseconds: (used.user + used.system) / 1000, results }, () => process.disconnect?.());
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
