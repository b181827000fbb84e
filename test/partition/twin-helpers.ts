/**
 * Helpers of the partition search tests: deterministic rows, a table `flat` and its partitioned twin `split`
 * with the same rows, and the `=%` search both are asked.
 */
import type { KmerSearch } from '../../src/index.js';

/** Deterministic pseudo-random 40-base sequences; with a motif, every third starts with it. */
export function sequences(count: number, seed: number, motif = ''): string[] {
  let state = seed;
  const result: string[] = [];
  for (let index = 0; index < count; index++) {
    let text = index % 3 === 0 ? motif : '';
    while (text.length < 40) {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      text += 'ACGT'[(state >> 16) & 3];
    }
    result.push(text);
  }
  return result;
}

/** After `settings` (k = 8 and whatever else), `flat` and `split` with the same rows and a NULL, `split` in 4 partitions. */
export async function loadTwin(database: KmerSearch, values: readonly string[], settings = 'SET kmersearch.kmer_size = 8'): Promise<void> {
  await database.exec(settings);
  for (const table of ['flat', 'split']) {
    await database.exec(`CREATE TABLE ${table} (id serial PRIMARY KEY, seq dna2)`);
    await database.exec(`INSERT INTO ${table} (seq) VALUES ${values.map((value) => `('${value}')`).join(', ')}, (NULL)`);
  }
  await database.query("SELECT kmersearch_partition_table('split', 4)");
}

/** The rows of `table` matching `query`, with their scores, by id. */
export const answer = (table: string, query: string): string =>
  `SELECT id, kmersearch_matchscore(seq, '${query}') AS score FROM ${table} WHERE seq =% '${query}' ORDER BY id`;
