/**
 * The crash harness's model checks that need a database state no crash is expected to produce: the
 * partitioned-index workload's catalog reader must report an index attached to no partitioned index.
 */
import { describe, expect, it } from 'vitest';
import type { KmerSearch } from '../../src/index.js';
import { openDatabase } from '../sql/engine-helpers.js';
import { operationNamed, sequenceSql } from './workloads.js';

describe('the partitioned-index workload\'s catalog reader', () => {
  it('reads the whole partitioned index, nothing, or reports an orphan', async () => {
    const operation = operationNamed('partitioned index');
    const read = operation.reads['indexes'] as (db: KmerSearch) => Promise<string[]>;
    const db = await openDatabase();
    await db.exec(operation.session);
    await db.exec(`CREATE TABLE t (id int PRIMARY KEY, version int, seq dna2); INSERT INTO t SELECT i, 0, ${sequenceSql('i', '0')} FROM generate_series(1, 200) AS g(i)`);
    await db.query("SELECT kmersearch_partition_table('t', 4)");
    expect(await read(db)).toEqual([]);
    await db.exec(operation.statement(0, '').sql);
    const whole = ['t_seq_idx on t', 't_0_seq_idx on t_0', 't_1_seq_idx on t_1', 't_2_seq_idx on t_2', 't_3_seq_idx on t_3'];
    expect(await read(db)).toEqual(whole);
    const model = operation.setupModel();
    operation.statement(0, '').apply(model);
    expect([...(model.tables.get('indexes')?.keys() ?? [])].sort()).toEqual([...whole].sort());
    await db.exec('CREATE INDEX orphan ON t_1 USING gin (seq kmersearch_dna2_gin_ops_int4)');
    expect(await read(db)).toEqual([...whole, 'orphan on t_1', 'orphan is attached to no partitioned index']);
  });
});
