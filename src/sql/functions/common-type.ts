/**
 * PostgreSQL's select_common_type and coerce_to_common_type (parse_coerce.c): the one type that the branches
 * of CASE, the arms of UNION, the rows of VALUES and the arguments of COALESCE / GREATEST / LEAST are
 * converted to. Exported for the binder, which needs it for those constructs too.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import { type SqlType, canCast, sqlTypes } from '../types.js';


function withPosition(error: KmerSearchError, position: number | undefined): KmerSearchError {
  return position === undefined ? error : error.withPosition(position);
}

function sameModifier(left: SqlType, right: SqlType): boolean {
  return JSON.stringify(left.modifier) === JSON.stringify(right.modifier);
}

/** The type without its modifier (select_common_typmod keeps one only when every input has the same). */
function withoutModifier(type: SqlType): SqlType {
  return type.modifier === undefined || type.id === 'record' ? type : sqlTypes[type.id];
}

/**
 * The common type of `types` for the SQL construct `construct` (its name in errors: `CASE`, `UNION`,
 * `COALESCE`, `GREATEST`, `LEAST`, `VALUES`), with PostgreSQL's rules:
 *
 * 1. all inputs of one known type → that type (with its modifier if they all share it);
 * 2. otherwise scan left to right, skipping unknown literals: the first known type is the candidate; a type of
 *    another category is an error (42804 `COALESCE types integer and text cannot be matched`); within the
 *    category, move to the new type when the candidate is not its category's preferred type and converts to
 *    it implicitly but not back (int4 → int8 → numeric → float8);
 * 3. only unknown literals → text;
 * 4. every input must convert to the result implicitly (42846 `VALUES could not convert type … to …`).
 *
 * `positions` (1-based statement offsets of the inputs, when known) place the error at the offending input.
 */
export function resolveCommonType(
  types: readonly SqlType[],
  construct: string,
  positions?: readonly (number | undefined)[],
): SqlType {
  const first = types[0];
  if (first === undefined) throw new KmerSearchError(SqlState.internalError, `${construct} has no inputs`);
  if (first.id !== 'unknown' && types.every((type) => type.id === first.id)) {
    return types.every((type) => sameModifier(type, first)) ? first : withoutModifier(first);
  }
  let chosen = first;
  for (let index = 1; index < types.length; index++) {
    const next = types[index];
    if (next === undefined || next.id === 'unknown' || next.id === chosen.id) continue;
    if (chosen.id === 'unknown') {
      chosen = next;
    } else if (next.category !== chosen.category) {
      throw withPosition(
        new KmerSearchError(
          SqlState.datatypeMismatch,
          `${construct} types ${chosen.formatName} and ${next.formatName} cannot be matched`,
        ),
        positions?.[index],
      );
    } else if (!chosen.preferred && canCast(chosen, next, 'implicit') && !canCast(next, chosen, 'implicit')) {
      chosen = next;
    }
  }
  const common = chosen.id === 'unknown' ? sqlTypes.text : withoutModifier(chosen);
  types.forEach((type, index) => {
    if (!canCast(type, common, 'implicit')) {
      throw withPosition(
        new KmerSearchError(
          SqlState.cannotCoerce,
          `${construct} could not convert type ${type.formatName} to ${common.formatName}`,
        ),
        positions?.[index],
      );
    }
  });
  return common;
}
