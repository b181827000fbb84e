/**
 * Subqueries used as values: `(SELECT …)`, `EXISTS (…)`, `x [NOT] IN (SELECT …)` and `x op ANY|ALL (SELECT …)`.
 * The subquery is bound as a query nested in the current scope, so it may reference the enclosing levels'
 * columns (correlation).
 */
import { SqlState } from '../../errors.js';
import type * as ast from '../ast.js';
import { resolveBinaryOperator, sqlTypes } from '../types.js';
import type { Binder, ExpressionState } from './binder.js';
import type { BoundExpression } from './bound.js';
import { bindQuery } from './query.js';

export type SubquerySpecification =
  | { readonly mode: 'scalar' | 'exists'; readonly query: ast.Query; readonly location: number }
  | {
      readonly mode: 'any' | 'all';
      readonly operator: string;
      readonly left: BoundExpression;
      readonly query: ast.Query;
      readonly negated: boolean;
      readonly location: number;
    };

export function bindSubquery(binder: Binder, specification: SubquerySpecification, state: ExpressionState): BoundExpression {
  if (state.clause === 'DEFAULT expressions') {
    throw binder.error(SqlState.featureNotSupported, 'cannot use subquery in DEFAULT expression', specification.location);
  }
  const query = bindQuery(binder, specification.query, state.scope);
  const columns = query.columns;
  switch (specification.mode) {
    case 'exists':
      return Object.freeze({ kind: 'subquery', type: sqlTypes.bool, mode: 'exists', query, comparison: undefined, negated: false });
    case 'scalar': {
      const column = columns[0];
      if (column === undefined || columns.length !== 1) {
        throw binder.error(SqlState.syntaxError, 'subquery must return only one column', specification.location);
      }
      return Object.freeze({ kind: 'subquery', type: column.type, mode: 'scalar', query, comparison: undefined, negated: false });
    }
    case 'any':
    case 'all': {
      const column = columns[0];
      if (column === undefined || columns.length !== 1) {
        throw binder.error(SqlState.syntaxError, columns.length > 1 ? 'subquery has too many columns' : 'subquery has too few columns', specification.location);
      }
      const left = specification.left;
      const operator = binder.at(specification.location, () =>
        resolveBinaryOperator(specification.operator, left.type, column.type, binder.ioOptions),
      );
      if (operator.resultType.id !== 'bool') {
        throw binder.error(SqlState.datatypeMismatch, `op ANY/ALL (array) requires operator to yield boolean`, specification.location);
      }
      const comparison = Object.freeze({
        left: binder.coerce(left, operator.leftType, specification.location),
        convertRight: binder.converter(column.type, operator.rightType, specification.location),
        compare: operator.evaluate,
      });
      return Object.freeze({
        kind: 'subquery',
        type: sqlTypes.bool,
        mode: specification.mode,
        query,
        comparison,
        negated: specification.negated,
      });
    }
  }
}
