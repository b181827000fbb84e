import { KmerSearch } from '/work/wt-pruning/src/index.js';
const db = await KmerSearch.open({});
const sqls = process.argv.slice(2);
for (const sql of sqls) {
  try {
    const r = await db.queryText(sql);
    console.log(sql); for (const row of r.rows) console.log('  ', row.join(' | '));
  } catch (e) { console.log(sql, '=> ERROR', (e as Error).message); }
}
await db.close();
