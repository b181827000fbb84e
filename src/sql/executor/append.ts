/**
 * The Append over the partitions of a partitioned table: each partition's scan in remainder order, rows passed
 * on as they come. With row ids, each row's id becomes the combined id that names its partition too
 * (src/partition `combinedRowId`), which UPDATE and DELETE on the parent hand back to src/partition.
 */
import { combinedRowId } from '../../partition/index.js';
import type { Row } from '../binder/bound.js';
import type { AppendNode } from '../plan.js';
import { PAUSE, type PlanCompiler, type RowSource } from './operators.js';

export function compileAppend(node: AppendNode, compiler: PlanCompiler): RowSource {
  const children = node.children.map((child) => compiler.compile(child));
  const count = children.length;
  const rowIdColumn = node.table.columns.length;
  const withRowIds = node.withRowIds;
  return function* (environment) {
    for (const [remainder, child] of children.entries()) {
      for (const emission of child(environment)) {
        if (emission === PAUSE || !withRowIds) {
          yield emission;
          continue;
        }
        yield emission.map((row): Row => {
          const combined = row.slice();
          combined[rowIdColumn] = combinedRowId(row[rowIdColumn] as number, remainder, count);
          return combined;
        });
      }
    }
  };
}
