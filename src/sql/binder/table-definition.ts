/**
 * CREATE TABLE's column and constraint definitions as storage's TableDefinition: types through lookupType
 * (serial and bigserial become an owned sequence with a nextval default), PRIMARY KEY / UNIQUE / NOT NULL,
 * and DEFAULT expressions, which are checked now (bound, and assignable to the column's type) and stored as
 * SQL text to be evaluated at each INSERT.
 */
import { SqlState } from '../../errors.js';
import type { ColumnDefinition, ConstraintDefinition, SerialKind, TableDefinition } from '../../storage/index.js';
import type * as ast from '../ast.js';
import { storageColumnType } from '../column-types.js';
import { formatExpression } from '../deparse.js';
import { REWRITE_OR_CAST_HINT, type SqlType, sqlTypes } from '../types.js';
import type { Binder, ExpressionState } from './binder.js';
import { bindExpression, bindTypeName } from './expressions.js';
import { leftmostLocation } from './locations.js';
import { Scope } from './scope.js';

const serialKinds: Readonly<Record<string, SerialKind>> = {
  serial: 'serial',
  serial4: 'serial',
  bigserial: 'bigserial',
  serial8: 'bigserial',
};

function columnType(binder: Binder, type: ast.TypeName): { readonly type: SqlType | undefined; readonly serial: SerialKind | null } {
  const serial = type.schema === undefined && type.modifiers.length === 0 && type.arrayDimensions === 0 ? serialKinds[type.name] : undefined;
  if (serial !== undefined) return { type: undefined, serial };
  if (type.name === 'smallserial' || type.name === 'serial2') {
    throw binder.error(SqlState.featureNotSupported, 'smallserial columns are not supported', type.location);
  }
  return { type: bindTypeName(binder, type), serial: null };
}

function checkDefault(binder: Binder, column: ast.ColumnDefinition, expression: ast.Expression, type: SqlType | undefined): void {
  const state: ExpressionState = { scope: Scope.empty(), clause: 'DEFAULT expressions', aggregates: undefined, insideAggregate: false, topOfTarget: false };
  const bound = bindExpression(binder, expression, state);
  if (type === undefined || binder.tryCoerce(bound, type, 'assignment', leftmostLocation(expression)) !== undefined) return;
  throw binder.error(
    SqlState.datatypeMismatch,
    `column "${column.name}" is of type ${type.formatName} but default expression is of type ${bound.type.formatName}`,
    leftmostLocation(expression),
    { hint: REWRITE_OR_CAST_HINT },
  );
}

function unsupportedCheck(binder: Binder, constraint: ast.CheckConstraint): never {
  throw binder.error(SqlState.featureNotSupported, 'CHECK constraints are not supported', constraint.location);
}

export function bindTableDefinition(binder: Binder, statement: ast.CreateTableStatement): TableDefinition {
  const tableName = statement.table.name;
  const constraints: ConstraintDefinition[] = [];
  const columns = statement.columns.map((column): ColumnDefinition => {
    const { type, serial } = columnType(binder, column.type);
    let notNull: boolean | undefined;
    let defaultExpression: string | null = null;
    let primaryKey = false;
    let unique = false;
    for (const constraint of column.constraints) {
      switch (constraint.kind) {
        case 'notNullConstraint':
        case 'nullConstraint': {
          const wanted = constraint.kind === 'notNullConstraint';
          if (notNull !== undefined && notNull !== wanted) {
            throw binder.error(SqlState.syntaxError, `conflicting NULL/NOT NULL declarations for column "${column.name}" of table "${tableName}"`, constraint.location);
          }
          notNull = wanted;
          break;
        }
        case 'defaultConstraint':
          if (defaultExpression !== null || serial !== null) {
            throw binder.error(SqlState.syntaxError, `multiple default values specified for column "${column.name}" of table "${tableName}"`, constraint.location);
          }
          checkDefault(binder, column, constraint.expression, type);
          defaultExpression = formatExpression(constraint.expression);
          break;
        case 'primaryKeyConstraint':
        case 'uniqueConstraint': {
          const kind = constraint.kind === 'primaryKeyConstraint' ? 'primary-key' : 'unique';
          if (constraint.name !== undefined) constraints.push({ kind, columns: [column.name], name: constraint.name });
          else if (kind === 'primary-key') primaryKey = true;
          else unique = true;
          break;
        }
        case 'checkConstraint':
          unsupportedCheck(binder, constraint);
      }
    }
    if (serial !== null && notNull === false) {
      throw binder.error(SqlState.syntaxError, `conflicting NULL/NOT NULL declarations for column "${column.name}" of table "${tableName}"`, column.location);
    }
    return {
      name: column.name,
      type: type === undefined ? storageColumnType(binder.at(column.type.location, () => serialType(serial))) : binder.at(column.type.location, () => storageColumnType(type)),
      notNull: notNull === true,
      defaultExpression,
      primaryKey,
      unique,
      serial,
    };
  });
  for (const constraint of statement.constraints) {
    if (constraint.kind === 'checkConstraint') unsupportedCheck(binder, constraint);
    const kind = constraint.kind === 'primaryKeyConstraint' ? 'primary-key' : 'unique';
    constraints.push(constraint.name === undefined ? { kind, columns: constraint.columns } : { kind, columns: constraint.columns, name: constraint.name });
  }
  return { name: tableName, columns, constraints };
}

function serialType(serial: SerialKind | null): SqlType {
  return serial === 'bigserial' ? sqlTypes.int8 : sqlTypes.int4;
}
