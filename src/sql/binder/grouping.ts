/**
 * Grouping (parse_agg.c): once GROUP BY keys and aggregate calls are known, the target list, HAVING and ORDER BY
 * are rewritten to read the aggregate node's rows — `[key values…, aggregate results…]` — and any column that is
 * neither grouped nor inside an aggregate is PostgreSQL's 42803 error.
 */
import { SqlState } from '../../errors.js';
import type { SqlType } from '../types.js';
import type { Binder } from './binder.js';
import type { BoundAggregate, BoundColumn, BoundExpression } from './bound.js';
import { isCorrelated } from './correlation.js';
import { fingerprint } from './fingerprint.js';
import { mapChildren } from './walk.js';

export class GroupingRewriter {
  private readonly keyFingerprints: readonly string[];
  private readonly aggregateSlots = new Map<string, number>();
  /** The distinct aggregates, in slot order. */
  readonly aggregates: BoundAggregate[] = [];

  constructor(
    private readonly binder: Binder,
    keys: readonly BoundExpression[],
    aggregates: readonly BoundAggregate[],
  ) {
    this.keyFingerprints = keys.map(fingerprint);
    for (const aggregate of aggregates) {
      if (this.aggregateSlots.has(aggregate.fingerprint)) continue;
      this.aggregateSlots.set(aggregate.fingerprint, this.aggregates.length);
      this.aggregates.push(aggregate);
    }
  }

  /** `expression` (bound on input rows) as an expression on aggregate rows. */
  rewrite(expression: BoundExpression): BoundExpression {
    const visit = (node: BoundExpression): BoundExpression => {
      if (node.kind !== 'constant') {
        const keyIndex = this.keyFingerprints.indexOf(fingerprint(node));
        if (keyIndex >= 0) return groupedColumn(keyIndex, node.type);
      }
      if (node.kind === 'aggregate') {
        const slot = this.aggregateSlots.get(node.fingerprint);
        if (slot !== undefined) return groupedColumn(this.keyFingerprints.length + slot, node.type);
      }
      if (node.kind === 'subquery' && isCorrelated(node.query)) {
        // Its outer references point into the input rows, which no longer exist above the aggregate node.
        throw this.binder.error(SqlState.featureNotSupported, 'correlated subqueries in a grouped query are not supported', undefined);
      }
      if (node.kind === 'column' && node.levelsUp === 0) {
        throw this.binder.error(
          SqlState.groupingError,
          `column "${node.relationName}.${node.name}" must appear in the GROUP BY clause or be used in an aggregate function`,
          node.location,
        );
      }
      return mapChildren(node, visit);
    };
    return visit(expression);
  }
}

function groupedColumn(index: number, type: SqlType): BoundColumn {
  return Object.freeze({ kind: 'column', type, index, levelsUp: 0, name: '', relationName: '', location: -1 });
}
