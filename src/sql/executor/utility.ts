/**
 * SET / SET LOCAL / SHOW / SHOW ALL / RESET / RESET ALL through the handle's Settings (its parsing, errors,
 * transaction semantics and notices), and VACUUM / ANALYZE, accepted as no-ops (the engine has nothing to
 * vacuum and no statistics to gather) once their tables are known to exist.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import type { Notice as SettingsNotice } from '../../settings/index.js';
import type * as ast from '../ast.js';
import { quoteIdentifier } from '../deparse.js';
import { toResultNotice } from '../notices.js';
import { sqlTypes } from '../types.js';
import { type StatementContext, type StatementOutcome, commandOutcome, rowsOutcome } from './context.js';

/**
 * The text PostgreSQL hands a setting for a SET value (flatten_set_variable_args): strings as written, numbers
 * and words as typed; for a quoted list setting (search_path) every item, word or string, quoted as an
 * identifier where it needs it and the items joined by ", ".
 */
function settingText(context: StatementContext, statement: ast.SetStatement): string {
  const quotedList = context.settings.takesQuotedList(statement.name);
  if (statement.values.length !== 1 && !quotedList) {
    throw context.binder.error(SqlState.syntaxError, `SET ${statement.name} takes only one argument`, statement.values[1]?.location ?? statement.location);
  }
  return statement.values
    .map((value) => {
      switch (value.kind) {
        case 'stringValue':
        case 'wordValue':
          return quotedList ? quoteIdentifier(value.value) : value.value;
        case 'numberValue':
          return value.text;
        default:
          throw context.binder.error(SqlState.syntaxError, `invalid value for SET ${statement.name}`, value.location);
      }
    })
    .join(', ');
}

function deliver(context: StatementContext, notices: readonly SettingsNotice[]): void {
  // Settings filters by client_min_messages when it raises a notice; context.notice filters again, harmlessly.
  for (const notice of notices) context.notice(toResultNotice(notice));
}

/** Runs a settings action, delivering the notices it raised even when it then fails. */
function withNotices(context: StatementContext, action: (notices: SettingsNotice[]) => void): void {
  const notices: SettingsNotice[] = [];
  try {
    action(notices);
  } finally {
    deliver(context, notices);
  }
}

export function executeSet(context: StatementContext, statement: ast.SetStatement): StatementOutcome {
  const options = { local: statement.local };
  withNotices(context, (notices) => {
    const value = statement.toDefault || statement.values[0]?.kind === 'defaultValue' ? undefined : settingText(context, statement);
    if (value === undefined) context.settings.reset(statement.name, options, notices);
    else context.settings.set(statement.name, value, options, notices);
  });
  return commandOutcome('SET');
}

export function executeReset(context: StatementContext, statement: ast.ResetStatement): StatementOutcome {
  withNotices(context, (notices) => {
    if (statement.all) context.settings.resetAll(notices);
    else context.settings.reset(statement.name, {}, notices);
  });
  return commandOutcome('RESET');
}

export function executeShow(context: StatementContext, statement: ast.ShowStatement): StatementOutcome {
  const settings = context.settings;
  if (statement.name === 'all') {
    const columns = ['name', 'setting', 'description'].map((name) => Object.freeze({ name, type: sqlTypes.text }));
    const rows = settings.showAll().map((row) => [row.name, row.setting, row.description]);
    return rowsOutcome(columns, rows, 'SHOW');
  }
  const value = settings.show(statement.name);
  return rowsOutcome([Object.freeze({ name: settings.canonicalName(statement.name), type: sqlTypes.text })], [[value]], 'SHOW');
}

export function executeVacuum(context: StatementContext, statement: ast.VacuumStatement): StatementOutcome {
  for (const relation of statement.tables) {
    const entry = relation.schema === undefined || relation.schema === 'public' ? context.runtime.view.findRelation(relation.name) : undefined;
    if (entry === undefined) {
      throw new KmerSearchError(SqlState.undefinedTable, `relation "${relation.name}" does not exist`);
    }
  }
  return commandOutcome(statement.analyzeOnly ? 'ANALYZE' : 'VACUUM');
}
