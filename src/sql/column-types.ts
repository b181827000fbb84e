/**
 * Storage column types (src/storage) and SQL types (src/sql/types) describe the same values with the same
 * in-memory representation; these two functions translate between the descriptors.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import { ColumnTypes, varcharType as storageVarchar, type ColumnType } from '../storage/index.js';
import { type SqlType, sqlTypes, varcharType } from './types.js';

/** The SQL type of a stored column. */
export function columnSqlType(type: ColumnType): SqlType {
  if (type.name === 'varchar') return varcharType(type.maxLength);
  return sqlTypes[type.name];
}

/** The storage type for a column declared with `type`; 0A000 for types a table cannot hold. */
export function storageColumnType(type: SqlType): ColumnType {
  switch (type.id) {
    case 'varchar':
      return type.modifier?.kind === 'length' ? storageVarchar(type.modifier.length) : ColumnTypes.varchar;
    case 'dna2':
    case 'dna4':
    case 'text':
    case 'int2':
    case 'int4':
    case 'int8':
    case 'bool':
    case 'float4':
    case 'float8':
    case 'bytea':
      return ColumnTypes[type.id];
    case 'timestamptz':
      if (type.modifier !== undefined) break;
      return ColumnTypes.timestamptz;
    default:
      break;
  }
  throw new KmerSearchError(SqlState.featureNotSupported, `columns of type ${type.formatName} are not supported`);
}
