/**
 * Keeping kmersearch indexes current within the statement that changes their table (issue 5 §2):
 *  - rows added by INSERT, COPY and UPDATE (its new row versions) go to each index's pending list, their keys
 *    extracted with the index's recorded k and b and without the keys of the analysis it recorded (deviation
 *    F7), in the same write transaction as the rows;
 *  - deleted rows (DELETE, the old versions of UPDATE) need nothing: a search sees only rows its view sees, and
 *    the next merge drops their postings;
 *  - at the end of the statement, a pending list beyond its limit (`gin_pending_list_limit`, 4 MiB by default;
 *    any size with `fastupdate = off`) is merged into new pages once, not once per batch, so a large COPY into
 *    an indexed table rewrites the pages once.
 * Pending entries follow heap visibility and merged pages live in spaces only the transaction's catalog names, so
 * commit, rollback and a crash leave the index consistent with the heap (storage's rules; src/gin).
 */
import type { DnaValue } from '../../dna/types.js';
import type { KeyMembership } from '../../kmer/index.js';
import { addPendingRows, defaultPendingListLimitBytes, ginIndexOptions, mergePendingList } from '../../gin/index.js';
import type { IndexRecord, TableRecord, WriteTransaction } from '../../storage/index.js';
import type { Row } from '../binder/bound.js';
import { analysisFor, type HighFrequencyState } from '../high-frequency.js';
import { isKmersearchIndex, recordedSettingsOf } from '../kmersearch-index.js';
import type { StatementContext } from './context.js';
import { mergeFailure, mergeResources } from './index-build.js';

/** The pending-list size beyond which an index is merged at the end of a statement. */
export function pendingListLimitBytes(index: IndexRecord): number {
  const recorded = recordedSettingsOf(index);
  if (!recorded.fastUpdate) return 0;
  return recorded.pendingListLimitKilobytes === undefined ? defaultPendingListLimitBytes : recorded.pendingListLimitKilobytes * 1024;
}

export class IndexMaintenance {
  /** kmersearch indexes per table: they cannot change within a statement. */
  private readonly indexesByTable = new Map<number, readonly IndexRecord[]>();
  /** The keys each index leaves out (undefined: none), looked up once per statement. */
  private readonly excludedKeysByIndex = new Map<number, KeyMembership | undefined>();
  /** Indexes whose pending lists grew in this statement. */
  private readonly grown = new Set<number>();

  /** `highFrequency`: the handle's high-frequency state, which serves the analyses' key sets. */
  constructor(private readonly highFrequency?: HighFrequencyState | undefined) {}

  /** Adds rows just inserted into `table` (complete rows, with their ids; null ids are skipped). */
  rowsAdded(write: WriteTransaction, table: TableRecord, rows: readonly Row[], rowIds: readonly (number | null)[]): void {
    const indexes = this.indexesOf(write, table.id);
    for (const index of indexes) {
      const entries: { rowId: number; value: DnaValue | null }[] = [];
      rowIds.forEach((rowId, position) => {
        if (rowId !== null) entries.push({ rowId, value: (rows[position]?.[index.columnIndex] ?? null) as DnaValue | null });
      });
      const before = ginIndexOptions(write.getIndex(index.id) ?? index).pendingRows;
      const after = addPendingRows(write, index.id, entries, { excludedKeys: this.excludedKeysOf(write, table, index) });
      if (after.pendingRows !== before) this.grown.add(index.id);
    }
  }

  /** Merges the pending lists that grew past their limit; runs once at the end of a data-changing statement. */
  async finish(context: StatementContext, write: WriteTransaction): Promise<void> {
    for (const indexId of this.grown) {
      const index = write.getIndex(indexId);
      if (index === undefined) continue;
      if (ginIndexOptions(index).pendingBytes <= pendingListLimitBytes(index)) continue;
      const resources = mergeResources(context);
      try {
        await mergePendingList(write, indexId, resources);
      } catch (error) {
        throw mergeFailure(context, index, error);
      } finally {
        resources.finish();
      }
    }
    this.grown.clear();
  }

  /**
   * The keys a row added to `index` leaves out (F7: as the build did): those of the analysis the index recorded,
   * while that is still the current analysis of its (table, column, k, b). An index whose analysis was replaced
   * or undone is stale — no query uses it until REINDEX rebuilds it from the table — so its new entries leave
   * nothing out.
   */
  private excludedKeysOf(write: WriteTransaction, table: TableRecord, index: IndexRecord): KeyMembership | undefined {
    if (this.excludedKeysByIndex.has(index.id)) return this.excludedKeysByIndex.get(index.id);
    const recorded = recordedSettingsOf(index);
    const columnName = table.columns[index.columnIndex]?.name;
    let excluded: KeyMembership | undefined;
    if (recorded.highFrequencyAnalysisId !== undefined && columnName !== undefined && this.highFrequency !== undefined) {
      const analysis = analysisFor(write, table.id, columnName, recorded.kmerSize, recorded.occurrenceBits);
      if (analysis?.analysisId === recorded.highFrequencyAnalysisId) excluded = this.highFrequency.keysOf(write, analysis);
    }
    this.excludedKeysByIndex.set(index.id, excluded);
    return excluded;
  }

  private indexesOf(write: WriteTransaction, tableId: number): readonly IndexRecord[] {
    let indexes = this.indexesByTable.get(tableId);
    if (indexes === undefined) {
      indexes = write.listIndexes(tableId).filter(isKmersearchIndex);
      this.indexesByTable.set(tableId, indexes);
    }
    return indexes;
  }
}
