/**
 * The workload of concurrency.test.ts, shared by the parent and its child processes: what the writer commits and
 * which snapshots a reader may see.
 *
 * The writer's statements, for batch b = 1, 2, …: INSERT batch b (rows 1…rowsPerBatch at version 0), UPDATE
 * batch b − 1 to version 1 (new sequences), DELETE batch b − 3. A reader's snapshot is therefore one of three
 * shapes for the newest batch n present (see `validStates`); a half-applied statement shows up as a batch with
 * missing rows, a batch in two versions, or a set of batches no commit produced.
 */
import { sequenceSql } from './workloads.js';

export const rowsPerBatch = 400;
export const query = 'ACGGTCAGTTCAGGATTACAACGG';

/** Rows and versions per batch, seen in one statement (a table scan). */
export const batchesQuery = 'SELECT batch, version, count(*)::int AS n FROM t GROUP BY batch, version ORDER BY batch';
/** Matching rows per batch and version, seen in one statement (index or sequential path). */
export const searchQuery = `SELECT batch, version, count(*)::int AS n FROM t WHERE seq =% '${query}' GROUP BY batch, version ORDER BY batch`;

export const createTable = 'CREATE TABLE t (batch int, i int, version int, seq dna2)';
export const createIndex = 'CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int4) WITH (gin_pending_list_limit = 64)';

export function writerStatements(batch: number): string[] {
  return [
    `INSERT INTO t SELECT ${batch}, i, 0, ${sequenceSql('i', '0')} FROM generate_series(1, ${rowsPerBatch}) AS g(i)`,
    `UPDATE t SET version = 1, seq = ${sequenceSql('i', '1')} WHERE batch = ${batch - 1}`,
    `DELETE FROM t WHERE batch = ${batch - 3}`,
  ];
}

export interface BatchCount {
  readonly batch: number;
  readonly version: number;
  readonly n: number;
}

/** `batch:version` lists of the snapshots the writer's commits produce while batch `newest` is the newest. */
function validStates(newest: number): string[] {
  const shape = (oldest: number, versionOf: (batch: number) => number): string => {
    const parts: string[] = [];
    for (let batch = Math.max(1, oldest); batch <= newest; batch++) parts.push(`${batch}:${versionOf(batch)}`);
    return parts.join(',');
  };
  return [
    shape(newest - 3, (batch) => (batch >= newest - 1 ? 0 : 1)), // after INSERT
    shape(newest - 3, (batch) => (batch === newest ? 0 : 1)), // after UPDATE
    shape(newest - 2, (batch) => (batch === newest ? 0 : 1)), // after DELETE
  ];
}

/**
 * Why a result cannot come from one committed state, or undefined if it can. `perBatch[version]` is the number
 * of rows a whole batch at that version contributes (rowsPerBatch for batchesQuery, its matches for searchQuery).
 */
export function snapshotViolation(rows: readonly BatchCount[], perBatch: readonly number[]): string | undefined {
  for (const row of rows) {
    if (row.n !== perBatch[row.version]) return `batch ${row.batch} has ${row.n} rows at version ${row.version}, not ${perBatch[row.version]}`;
  }
  const state = rows.map((row) => `${row.batch}:${row.version}`).join(',');
  if (rows.length === 0) return undefined;
  const newest = Math.max(...rows.map((row) => row.batch));
  return validStates(newest).includes(state) ? undefined : `no commit leaves the batches ${state}`;
}
