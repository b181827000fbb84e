/**
 * The settings of one open database handle, with PostgreSQL's session-GUC semantics: SET / SET LOCAL / RESET /
 * RESET ALL, SHOW, and undo at transaction end (guc.c's per-variable stack, reduced to the one nesting level
 * the dialect has — no savepoints). Assignments notify listeners so that the caches depending on a setting
 * are freed exactly when the reference's assign hooks would free them.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import {
  type CacheKind,
  clientMessageSeverity,
  type EnumSettingDefinition,
  type KnownSettingName,
  RESERVED_SETTING_PREFIXES,
  type SettingDefinition,
  settingDefinitions,
  type SettingValue,
  type StringSettingDefinition,
} from './definitions.js';
import { formatCDoubleG } from './format-c.js';
import { type Notice, type NoticeSeverity, severityLevel } from './notice.js';
import { formatIntegerWithUnit, parseIntegerSetting, parseRealSetting } from './numeric-setting.js';
import { parsePostgresBoolean } from './parse-c.js';

/** Where the current value came from; RESET ALL touches only values SET in this session (guc.c's source). */
type ValueSource = 'default' | 'session';

interface SettingSlot {
  readonly value: SettingValue;
  readonly source: ValueSource;
}

/**
 * guc.c's GucStack entry at nesting level 1: `set` keeps the value at commit, `local` restores `prior`,
 * `setLocal` (SET then SET LOCAL) restores the value of the SET (`masked`). Rollback always restores `prior`.
 */
interface TransactionUndo {
  state: 'set' | 'local' | 'setLocal';
  readonly prior: SettingSlot;
  masked: SettingSlot | undefined;
}

export interface SettingAssignment {
  /** Canonical name of the setting. */
  readonly name: string;
  readonly value: SettingValue;
  /** Caches the reference's assign hook frees for this setting. */
  readonly invalidatedCaches: readonly CacheKind[];
  /** Sends a notice to the client (e.g. the high-frequency cache WARNING), subject to client_min_messages. */
  readonly emit: (notice: Notice) => void;
}

export type SettingAssignmentListener = (assignment: SettingAssignment) => void;

export interface SetOptions {
  /** SET LOCAL: undone at the end of the transaction. */
  readonly local?: boolean;
  /**
   * Whether SET LOCAL outside a transaction block warns, as the SET statement does; `set_config(…, true)`
   * does not warn. Default true.
   */
  readonly warnOutsideTransaction?: boolean;
}

export interface ShowAllRow {
  readonly name: string;
  readonly setting: string;
  readonly description: string;
}

/** The WARNING (SQLSTATE 25P01) of SET LOCAL outside BEGIN…COMMIT. */
export const SET_LOCAL_OUTSIDE_TRANSACTION_WARNING = 'SET LOCAL can only be used in transaction blocks';

const placeholderDescription = 'GUC placeholder variable';

/** PostgreSQL's valid_custom_variable_name: two or more identifiers separated by dots. */
function isValidCustomSettingName(name: string): boolean {
  let sawSeparator = false;
  let atComponentStart = true;
  for (const character of name) {
    if (character === '.') {
      if (atComponentStart) return false;
      sawSeparator = true;
      atComponentStart = true;
    } else if (/[A-Za-z_]/.test(character) || character.charCodeAt(0) > 0x7f) {
      atComponentStart = false;
    } else if (!atComponentStart && /[0-9$]/.test(character)) {
      // digits and $ may follow the first character of a component
    } else {
      return false;
    }
  }
  return !atComponentStart && sawSeparator;
}

function canonicalKey(name: string): string {
  // guc_name_compare folds ASCII letters only.
  return name.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

function sameValue(left: SettingValue, right: SettingValue): boolean {
  return left === right; // like C's !=, treats 0 and −0 as equal
}

export class Settings {
  private readonly definitions = new Map<string, SettingDefinition>();
  private readonly slots = new Map<string, SettingSlot>();
  private readonly undoLog = new Map<string, TransactionUndo>();
  private transactionOpen = false;
  private readonly assignmentListeners: SettingAssignmentListener[] = [];

  constructor() {
    for (const definition of settingDefinitions as readonly SettingDefinition[]) {
      this.definitions.set(canonicalKey(definition.name), definition);
      this.slots.set(canonicalKey(definition.name), { value: definition.defaultValue, source: 'default' });
    }
  }

  // ---- typed reads -------------------------------------------------------------------------------------

  get kmerSize(): number {
    return this.integer('kmersearch.kmer_size');
  }
  get occurrenceBits(): number {
    return this.integer('kmersearch.occur_bitlen');
  }
  get maxAppearanceRate(): number {
    return this.real('kmersearch.max_appearance_rate');
  }
  get maxAppearanceRowCount(): number {
    return this.integer('kmersearch.max_appearance_nrow');
  }
  get minScore(): number {
    return this.integer('kmersearch.min_score');
  }
  get minSharedKmerRate(): number {
    return this.real('kmersearch.min_shared_kmer_rate');
  }
  get precludeHighFrequencyKmers(): boolean {
    return this.boolean('kmersearch.preclude_highfreq_kmer');
  }
  get forceUseParallelHighFrequencyKmerCache(): boolean {
    return this.boolean('kmersearch.force_use_parallel_highfreq_kmer_cache');
  }
  get forceSimdCapability(): number {
    return this.integer('kmersearch.force_simd_capability');
  }
  get queryKmerCacheMaxEntries(): number {
    return this.integer('kmersearch.query_kmer_cache_max_entries');
  }
  get actualMinScoreCacheMaxEntries(): number {
    return this.integer('kmersearch.actual_min_score_cache_max_entries');
  }
  get highFrequencyKmerCacheLoadBatchSize(): number {
    return this.integer('kmersearch.highfreq_kmer_cache_load_batch_size');
  }
  get highFrequencyAnalysisHashtableSize(): number {
    return this.integer('kmersearch.highfreq_analysis_hashtable_size');
  }
  get maxParallelMaintenanceWorkers(): number {
    return this.integer('max_parallel_maintenance_workers');
  }
  get maxParallelWorkers(): number {
    return this.integer('max_parallel_workers');
  }
  get maintenanceWorkMemoryKilobytes(): number {
    return this.integer('maintenance_work_mem');
  }
  get enableBitmapScan(): boolean {
    return this.boolean('enable_bitmapscan');
  }
  get enableIndexScan(): boolean {
    return this.boolean('enable_indexscan');
  }
  get enablePartitionPruning(): boolean {
    return this.boolean('enable_partition_pruning');
  }
  get enableSequentialScan(): boolean {
    return this.boolean('enable_seqscan');
  }
  get statementTimeoutMilliseconds(): number {
    return this.integer('statement_timeout');
  }
  /** The lowest severity delivered to the client. */
  get clientMinMessages(): NoticeSeverity | 'ERROR' {
    return clientMessageSeverity(this.value('client_min_messages') as string);
  }

  /** True between beginTransaction() and commit()/rollback(). */
  get inTransaction(): boolean {
    return this.transactionOpen;
  }

  /** The current value of a setting (numbers in base units, booleans, enum names, placeholder text). */
  value(name: KnownSettingName | (string & {})): SettingValue {
    return this.slotOf(this.lookup(name)).value;
  }

  private integer(name: KnownSettingName): number {
    return this.value(name) as number;
  }

  private real(name: KnownSettingName): number {
    return this.value(name) as number;
  }

  private boolean(name: KnownSettingName): boolean {
    return this.value(name) as boolean;
  }

  /** Whether a message of this severity reaches the client under the current client_min_messages. */
  deliversToClient(severity: NoticeSeverity | 'ERROR'): boolean {
    // elog.c: INFO is always sent, whatever client_min_messages says.
    return severity === 'INFO' || severityLevel[severity] >= severityLevel[this.clientMinMessages];
  }

  // ---- listeners ---------------------------------------------------------------------------------------

  /** Called on every assignment (SET, RESET, RESET ALL, undo at transaction end). Returns an unsubscribe. */
  onAssign(listener: SettingAssignmentListener): () => void {
    this.assignmentListeners.push(listener);
    return () => {
      const index = this.assignmentListeners.indexOf(listener);
      if (index >= 0) this.assignmentListeners.splice(index, 1);
    };
  }

  /**
   * Called whenever an assignment must free the high-frequency caches (kmer_size, occur_bitlen,
   * max_appearance_rate, max_appearance_nrow). The listener frees its cache and, if a valid cache existed,
   * emits HIGH_FREQUENCY_CACHE_CLEARED_WARNING.
   */
  onHighFrequencyCacheInvalidated(listener: SettingAssignmentListener): () => void {
    return this.onAssign((assignment) => {
      if (assignment.invalidatedCaches.includes('high-frequency')) listener(assignment);
    });
  }

  // ---- SHOW --------------------------------------------------------------------------------------------

  /** The canonical spelling of a setting's name (the column header of SHOW). */
  canonicalName(name: string): string {
    return this.lookup(name).name;
  }

  /**
   * True for list settings whose items are quoted as identifiers when SET flattens them (GUC_LIST_INPUT |
   * GUC_LIST_QUOTE: search_path). Unknown names are false; SET reports them.
   */
  takesQuotedList(name: string): boolean {
    const definition = this.definitions.get(canonicalKey(name));
    return definition?.type === 'string' && definition.quotedList === true;
  }

  /** SHOW name / current_setting(name): the value as PostgreSQL prints it. */
  show(name: string): string {
    const definition = this.lookup(name);
    return formatSettingValue(definition, this.slotOf(definition).value);
  }

  /** current_setting(name, true): undefined instead of an error for unknown names. */
  tryShow(name: string): string | undefined {
    const definition = this.definitions.get(canonicalKey(name));
    return definition === undefined ? undefined : formatSettingValue(definition, this.slotOf(definition).value);
  }

  /** SHOW ALL: built-in settings by name, with descriptions (placeholders are not listed, as in PostgreSQL). */
  showAll(): ShowAllRow[] {
    const rows: ShowAllRow[] = [];
    for (const definition of this.definitions.values()) {
      if (definition.type === 'string' && definition.placeholder === true) continue;
      rows.push({
        name: definition.name,
        setting: formatSettingValue(definition, this.slotOf(definition).value),
        description: definition.description,
      });
    }
    return rows.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
  }

  // ---- SET / RESET -------------------------------------------------------------------------------------

  /**
   * SET name = value (or SET LOCAL). `value` is the text PostgreSQL would receive: a string literal as
   * written, a number as the SQL literal's text, an identifier such as `on`. Throws KmerSearchError on an
   * unknown name, an unparsable or out-of-range value, or a failed combination check; the value is then
   * unchanged. Notices are appended to `notices` as they occur (so they survive a throw) and returned.
   */
  set(name: string, value: string | number | boolean, options: SetOptions = {}, notices: Notice[] = []): Notice[] {
    const local = options.local === true;
    if (local && !this.transactionOpen && options.warnOutsideTransaction !== false) {
      this.emitTo(notices, {
        severity: 'WARNING',
        code: SqlState.noActiveSqlTransaction,
        message: SET_LOCAL_OUTSIDE_TRANSACTION_WARNING,
      });
    }
    const definition = this.lookupForAssignment(name);
    const parsed = this.parseAndValidate(definition, typeof value === 'string' ? value : String(value));
    this.inImplicitTransaction(notices, () => {
      this.assign(definition, { value: parsed, source: 'session' }, local ? 'local' : 'set', notices);
    });
    return notices;
  }

  /** RESET name (or SET [LOCAL] name TO DEFAULT): back to the default, without the combination check. */
  reset(name: string, options: SetOptions = {}, notices: Notice[] = []): Notice[] {
    const local = options.local === true;
    if (local && !this.transactionOpen && options.warnOutsideTransaction !== false) {
      this.emitTo(notices, {
        severity: 'WARNING',
        code: SqlState.noActiveSqlTransaction,
        message: SET_LOCAL_OUTSIDE_TRANSACTION_WARNING,
      });
    }
    const definition = this.lookupForAssignment(name);
    this.inImplicitTransaction(notices, () => {
      this.assign(definition, { value: definition.defaultValue, source: 'default' }, local ? 'local' : 'set', notices);
    });
    return notices;
  }

  /** RESET ALL: every setting that was SET in this session goes back to its default (hooks run for those only). */
  resetAll(notices: Notice[] = []): Notice[] {
    for (const definition of this.definitions.values()) {
      if (this.slotOf(definition).source === 'default') continue;
      this.assign(definition, { value: definition.defaultValue, source: 'default' }, 'set', notices);
    }
    return notices;
  }

  // ---- transactions ------------------------------------------------------------------------------------

  /** BEGIN. Calling it inside an open transaction changes nothing (the SQL layer warns, as PostgreSQL does). */
  beginTransaction(): void {
    this.transactionOpen = true;
  }

  /** COMMIT: SET values stay, SET LOCAL values are undone. Returns notices from the undo (cache warnings). */
  commit(notices: Notice[] = []): Notice[] {
    this.endTransaction(true, notices);
    return notices;
  }

  /** ROLLBACK (or a failed transaction ending): every SET, SET LOCAL and RESET of the transaction is undone. */
  rollback(notices: Notice[] = []): Notice[] {
    this.endTransaction(false, notices);
    return notices;
  }

  private endTransaction(committed: boolean, notices: Notice[]): void {
    if (!this.transactionOpen) return;
    this.transactionOpen = false;
    const undoLog = [...this.undoLog];
    this.undoLog.clear();
    for (const [key, undo] of undoLog) {
      const definition = this.definitions.get(key);
      if (definition === undefined) continue;
      let restore: SettingSlot | undefined;
      if (!committed) restore = undo.prior;
      else if (undo.state === 'setLocal') restore = undo.masked;
      else if (undo.state === 'local') restore = undo.prior;
      if (restore === undefined) continue;
      const current = this.slotOf(definition);
      // guc.c runs the assign hook on undo only when the restored value differs from the current one.
      if (!sameValue(current.value, restore.value)) {
        this.notifyAssignment(definition, restore.value, notices);
      }
      this.slots.set(key, restore);
    }
  }

  /**
   * Statements outside BEGIN run in their own transaction; for SET LOCAL that means the value is assigned
   * (hooks run, caches are freed) and undone again at once.
   */
  private inImplicitTransaction(notices: Notice[], action: () => void): void {
    if (this.transactionOpen) {
      action();
      return;
    }
    this.beginTransaction();
    try {
      action();
    } catch (error) {
      this.endTransaction(false, notices);
      throw error;
    }
    this.endTransaction(true, notices);
  }

  private assign(
    definition: SettingDefinition,
    slot: SettingSlot,
    action: 'set' | 'local',
    notices: Notice[],
  ): void {
    this.recordUndo(definition, action);
    // The reference's assign hooks run before the new value is stored, on every assignment.
    this.notifyAssignment(definition, slot.value, notices);
    this.slots.set(canonicalKey(definition.name), slot);
  }

  /** guc.c's push_old_value at nesting level 1. */
  private recordUndo(definition: SettingDefinition, action: 'set' | 'local'): void {
    if (!this.transactionOpen) return;
    const key = canonicalKey(definition.name);
    const existing = this.undoLog.get(key);
    if (existing === undefined) {
      this.undoLog.set(key, { state: action, prior: this.slotOf(definition), masked: undefined });
      return;
    }
    if (action === 'set') {
      existing.state = 'set';
      existing.masked = undefined;
    } else if (existing.state === 'set') {
      // SET followed by SET LOCAL: at commit the SET's value comes back.
      existing.masked = this.slotOf(definition);
      existing.state = 'setLocal';
    }
  }

  private notifyAssignment(definition: SettingDefinition, value: SettingValue, notices: Notice[]): void {
    const assignment: SettingAssignment = {
      name: definition.name,
      value,
      invalidatedCaches: definition.invalidatedCaches,
      emit: (notice) => this.emitTo(notices, notice),
    };
    for (const listener of [...this.assignmentListeners]) listener(assignment);
  }

  /** Notices are filtered when raised, as elog.c does, so a later change of client_min_messages does not matter. */
  private emitTo(notices: Notice[], notice: Notice): void {
    if (this.deliversToClient(notice.severity)) notices.push(notice);
  }

  // ---- lookup and parsing ------------------------------------------------------------------------------

  private slotOf(definition: SettingDefinition): SettingSlot {
    const slot = this.slots.get(canonicalKey(definition.name));
    if (slot === undefined) throw new Error(`setting ${definition.name} has no value`);
    return slot;
  }

  private lookup(name: string): SettingDefinition {
    const definition = this.definitions.get(canonicalKey(name));
    if (definition === undefined) {
      throw new KmerSearchError(SqlState.undefinedObject, `unrecognized configuration parameter "${name}"`);
    }
    return definition;
  }

  /**
   * find_option with placeholder creation: a valid `prefix.name` outside the reserved prefixes becomes a
   * text placeholder, as `SET myapp.user_id = 42` does in PostgreSQL.
   */
  private lookupForAssignment(name: string): SettingDefinition {
    const key = canonicalKey(name);
    const existing = this.definitions.get(key);
    if (existing !== undefined) return existing;
    const separator = name.indexOf('.');
    if (separator < 0) {
      throw new KmerSearchError(SqlState.undefinedObject, `unrecognized configuration parameter "${name}"`);
    }
    if (!isValidCustomSettingName(name)) {
      throw new KmerSearchError('42602', `invalid configuration parameter name "${name}"`, {
        detail: 'Custom parameter names must be two or more simple identifiers separated by dots.',
      });
    }
    const prefix = name.slice(0, separator);
    if (RESERVED_SETTING_PREFIXES.includes(prefix)) {
      throw new KmerSearchError('42602', `invalid configuration parameter name "${name}"`, {
        detail: `"${prefix}" is a reserved prefix.`,
      });
    }
    const placeholder: StringSettingDefinition = {
      name,
      type: 'string',
      defaultValue: '',
      placeholder: true,
      description: placeholderDescription,
      invalidatedCaches: [],
    };
    this.definitions.set(key, placeholder);
    this.slots.set(key, { value: '', source: 'default' });
    return placeholder;
  }

  private parseAndValidate(definition: SettingDefinition, text: string): SettingValue {
    return parseSettingValue(definition, text, (name) => this.value(name));
  }
}

function invalidValue(name: string, text: string, hint?: string): KmerSearchError {
  return new KmerSearchError(SqlState.invalidParameterValue, `invalid value for parameter "${name}": "${text}"`, {
    hint,
  });
}

function outOfRange(formattedValue: string, name: string, minimum: string, maximum: string): KmerSearchError {
  return new KmerSearchError(
    SqlState.invalidParameterValue,
    `${formattedValue} is outside the valid range for parameter "${name}" (${minimum} .. ${maximum})`,
  );
}

/** parse_and_validate_value: parse, range check, then the setting's own check hook — in PostgreSQL's order. */
export function parseSettingValue(
  definition: SettingDefinition,
  text: string,
  current: (name: KnownSettingName) => SettingValue,
): SettingValue {
  switch (definition.type) {
    case 'boolean': {
      const parsed = parsePostgresBoolean(text);
      if (parsed === undefined) {
        throw new KmerSearchError(
          SqlState.invalidParameterValue,
          `parameter "${definition.name}" requires a Boolean value`,
        );
      }
      definition.check?.(parsed);
      return parsed;
    }
    case 'integer': {
      const parsed = parseIntegerSetting(text, definition.unit);
      if (!parsed.ok) throw invalidValue(definition.name, text, parsed.hint);
      if (parsed.value < definition.minimum || parsed.value > definition.maximum) {
        const unit = definition.unit === undefined ? '' : ` ${definition.unit}`;
        throw outOfRange(
          `${parsed.value}${unit}`,
          definition.name,
          `${definition.minimum}${unit}`,
          `${definition.maximum}${unit}`,
        );
      }
      definition.check?.(parsed.value, current);
      return parsed.value;
    }
    case 'real': {
      const parsed = parseRealSetting(text);
      if (!parsed.ok) throw invalidValue(definition.name, text, parsed.hint);
      if (parsed.value < definition.minimum || parsed.value > definition.maximum) {
        throw outOfRange(
          formatCDoubleG(parsed.value),
          definition.name,
          formatCDoubleG(definition.minimum),
          formatCDoubleG(definition.maximum),
        );
      }
      return parsed.value;
    }
    case 'enum':
      return parseEnumValue(definition, text);
    case 'string':
      return definition.check === undefined ? text : definition.check(text);
  }
}

function parseEnumValue(definition: EnumSettingDefinition, text: string): string {
  const wanted = canonicalKey(text);
  const match = definition.options.find((option) => option.name === wanted);
  if (match === undefined) {
    const visible = definition.options.filter((option) => !option.hidden).map((option) => option.name);
    throw invalidValue(definition.name, text, `Available values: ${visible.join(', ')}.`);
  }
  return match.value;
}

/** A value as SHOW prints it: %g for reals, units for memory and time, on/off, enum names. */
export function formatSettingValue(definition: SettingDefinition, value: SettingValue): string {
  switch (definition.type) {
    case 'boolean':
      return value === true ? 'on' : 'off';
    case 'integer':
      return formatIntegerWithUnit(value as number, definition.unit);
    case 'real':
      return formatCDoubleG(value as number);
    case 'enum':
    case 'string':
      return String(value);
  }
}
