/**
 * Plan-time partition pruning of a hash-partitioned table (PostgreSQL's partprune.c for a single hash key): from
 * the WHERE clause of a scan of the parent, the partitions that can hold a matching row. Only conditions that
 * decide the partition by themselves count:
 *  - `key = constant` (either side) and `key IN (c1, c2, …)`: the partitions the constants hash to
 *    (src/partition `partitionRemainder`, the routing of inserted rows); a NULL constant matches nothing;
 *  - `key IS NULL`: remainder 0, where routing puts NULL;
 *  - a constant false or NULL condition: no partition;
 *  - AND intersects its arguments' sets, OR unites them; anything else (`<>`, NOT IN, `=%`, IS NOT NULL, other
 *    columns, expressions that are not folded constants) allows every partition.
 *
 * Why hashing the constant is exact: `=` on DNA2 and DNA4 (types/operators.ts, dna/compare.ts `dnaEquals`) holds
 * only for the same bit length and identical packed bytes, padding included, and routing hashes those bytes; so a
 * row `=` to the constant was routed to the constant's partition (values with the same bytes and another bit
 * length, DNA2 'A' and 'AAAA', share a partition, which only keeps it). There is no cross-type `=` between DNA2,
 * DNA4 and other types (the binder rejects `dna2 = dna4`), and only comparisons of a constant of the key's own type
 * prune; a DNA4 value with degenerate bases is compared and hashed as its bytes, never expanded. Parameters are
 * folded into constants by the binder, so `key = $1` prunes like PostgreSQL's custom plan of a prepared statement.
 *
 * `condition` is the scan's own restriction, wherever the table is read: the WHERE clause of a query on the table
 * alone, or, in a join or a subquery, the conditions the planner places on the table's scan as PostgreSQL does
 * (join-restrictions.ts, subquery-pushdown.ts: reduced outer joins, ON conditions on the nullable side, conditions
 * pushed into subqueries). Join conditions between two tables never arrive here: PostgreSQL prunes by them only
 * at run time, which is not done.
 */
import type { DnaValue } from '../dna/index.js';
import { partitionRemainder, type PartitionScheme } from '../partition/index.js';
import type { BoundConstant, BoundExpression } from './binder/bound.js';

/**
 * Remainders, ascending, of the partitions that may hold rows satisfying `condition`, or undefined when every
 * partition may. `condition` is evaluated against rows of the parent (column positions are the table's).
 */
export function prunedRemainders(condition: BoundExpression, scheme: PartitionScheme): readonly number[] | undefined {
  const modulus = scheme.partitionIds.length;
  const kept = remaindersOf(condition, scheme.columnIndex, modulus);
  return kept === undefined ? undefined : Array.from(kept).sort((a, b) => a - b);
}

function isKeyColumn(expression: BoundExpression, columnIndex: number): boolean {
  return expression.kind === 'column' && expression.levelsUp === 0 && expression.index === columnIndex && isDnaType(expression.type.id);
}

function isDnaType(id: string): boolean {
  return id === 'dna2' || id === 'dna4';
}

/** A constant of the key's own type (so the `=` between them is the type's own, dnaEquals). */
function keyConstant(expression: BoundExpression, key: BoundExpression): BoundConstant | undefined {
  return expression.kind === 'constant' && expression.type.id === key.type.id ? expression : undefined;
}

function remainderSet(values: readonly (DnaValue | null)[], modulus: number): Set<number> {
  const kept = new Set<number>();
  for (const value of values) if (value !== null) kept.add(partitionRemainder(value, modulus));
  return kept;
}

/** The remainders `condition` allows (see the header), undefined for all of them. */
function remaindersOf(condition: BoundExpression, columnIndex: number, modulus: number): Set<number> | undefined {
  switch (condition.kind) {
    case 'constant':
      // WHERE false / WHERE NULL: no row qualifies (PostgreSQL's contradictory clause).
      return condition.value === null || condition.value === false ? new Set() : undefined;
    case 'and': {
      let kept: Set<number> | undefined;
      for (const argument of condition.arguments) {
        const allowed = remaindersOf(argument, columnIndex, modulus);
        if (allowed === undefined) continue;
        kept = kept === undefined ? allowed : new Set([...kept].filter((remainder) => allowed.has(remainder)));
      }
      return kept;
    }
    case 'or': {
      const kept = new Set<number>();
      for (const argument of condition.arguments) {
        const allowed = remaindersOf(argument, columnIndex, modulus);
        if (allowed === undefined) return undefined;
        for (const remainder of allowed) kept.add(remainder);
      }
      return kept;
    }
    case 'operator': {
      if (condition.name !== '=' || condition.left === undefined) return undefined;
      const [key, other] = isKeyColumn(condition.left, columnIndex) ? [condition.left, condition.right] : [condition.right, condition.left];
      if (!isKeyColumn(key, columnIndex)) return undefined;
      const constant = keyConstant(other, key);
      return constant === undefined ? undefined : remainderSet([constant.value as DnaValue | null], modulus);
    }
    case 'in': {
      if (condition.negated || !isKeyColumn(condition.operand, columnIndex)) return undefined;
      const values: (DnaValue | null)[] = [];
      for (const item of condition.items) {
        const constant = keyConstant(item.value, condition.operand);
        if (constant === undefined) return undefined;
        values.push(constant.value as DnaValue | null);
      }
      return remainderSet(values, modulus);
    }
    case 'nullTest':
      return !condition.negated && isKeyColumn(condition.operand, columnIndex) ? new Set([partitionRemainder(null, modulus)]) : undefined;
    default:
      return undefined;
  }
}
