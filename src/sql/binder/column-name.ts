/**
 * PostgreSQL's FigureColname: the header of an unaliased output column. A column reference gives its name, a
 * function call (aggregates included) its function name, a cast of a constant the type's name as written
 * (`1::integer` → `int4`), a field selection the field, CASE `case`, EXISTS `exists`, a scalar subquery the
 * name of its own column; everything else `?column?`.
 */
import type * as ast from '../ast.js';

/** [name, strength]: 2 for a real name, 1 for a fallback that a cast's type name may beat, 0 for none. */
function figure(expression: ast.Expression): [string | undefined, number] {
  switch (expression.kind) {
    case 'columnReference': {
      const last = expression.names[expression.names.length - 1];
      return last === undefined ? [undefined, 0] : [last, 2];
    }
    case 'functionCall':
      return [expression.name[expression.name.length - 1], 2];
    case 'typeCast': {
      const [name, strength] = figure(expression.operand);
      if (strength <= 1) return [expression.type.name, 1];
      return [name, strength];
    }
    case 'fieldSelection':
      return [expression.field, 2];
    case 'case':
      return ['case', 1];
    case 'exists':
      return ['exists', 2];
    case 'arrayConstructor':
      return ['array', 2];
    case 'row':
      return ['row', 2];
    case 'scalarSubquery': {
      const query = expression.query;
      if (query.kind !== 'select') return [undefined, 0];
      const target = query.targets[0];
      if (target === undefined) return [undefined, 0];
      if (target.alias !== undefined) return [target.alias, 2];
      return figure(target.expression);
    }
    case 'sqlValueFunction':
      return [expression.name, 2];
    default:
      return [undefined, 0];
  }
}

/** The output column name of a target without an alias. */
export function figureColumnName(expression: ast.Expression): string {
  const [name, strength] = figure(expression);
  return strength > 0 && name !== undefined ? name : '?column?';
}
