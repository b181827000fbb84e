import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import {
  formatCDoubleG,
  HIGH_FREQUENCY_CACHE_CLEARED_WARNING,
  highFrequencyCacheClearedNotice,
  type Notice,
  type SettingAssignment,
  settingDefinitions,
  Settings,
} from '../../src/settings/index.js';

/** Runs `action`, expecting a KmerSearchError, and returns it. */
function errorOf(action: () => unknown): KmerSearchError {
  try {
    action();
  } catch (error) {
    if (error instanceof KmerSearchError) return error;
    throw error;
  }
  throw new Error('expected a KmerSearchError');
}

function expectError(
  action: () => unknown,
  expected: { code: string; message: string; detail?: string; hint?: string },
): void {
  const error = errorOf(action);
  expect({ code: error.code, message: error.message, detail: error.detail, hint: error.hint }).toEqual({
    code: expected.code,
    message: expected.message,
    detail: expected.detail,
    hint: expected.hint,
  });
}

const combinationHintK = 'Reduce kmer_size or occur_bitlen so that (kmer_size * 2 + occur_bitlen) <= 64.';
const combinationHintB = 'Reduce occur_bitlen or kmer_size so that (kmer_size * 2 + occur_bitlen) <= 64.';

describe('defaults', () => {
  it.each([
    ['kmersearch.kmer_size', '16'],
    ['kmersearch.occur_bitlen', '8'],
    ['kmersearch.max_appearance_rate', '0.5'],
    ['kmersearch.max_appearance_nrow', '0'],
    ['kmersearch.min_score', '1'],
    ['kmersearch.min_shared_kmer_rate', '0.5'],
    ['kmersearch.preclude_highfreq_kmer', 'off'],
    ['kmersearch.force_use_parallel_highfreq_kmer_cache', 'off'],
    ['kmersearch.force_simd_capability', '-1'],
    ['kmersearch.query_kmer_cache_max_entries', '50000'],
    ['kmersearch.actual_min_score_cache_max_entries', '50000'],
    ['kmersearch.highfreq_kmer_cache_load_batch_size', '10000'],
    ['kmersearch.highfreq_analysis_hashtable_size', '1000000'],
    ['max_parallel_maintenance_workers', '2'],
    ['max_parallel_workers', '8'],
    ['maintenance_work_mem', '64MB'],
    ['client_min_messages', 'notice'],
    ['statement_timeout', '0'],
  ])('SHOW %s = %s', (name, expected) => {
    expect(new Settings().show(name)).toBe(expected);
  });

  it('exposes typed values', () => {
    const settings = new Settings();
    expect(settings.kmerSize).toBe(16);
    expect(settings.occurrenceBits).toBe(8);
    expect(settings.maxAppearanceRate).toBe(0.5);
    expect(settings.maxAppearanceRowCount).toBe(0);
    expect(settings.minScore).toBe(1);
    expect(settings.minSharedKmerRate).toBe(0.5);
    expect(settings.precludeHighFrequencyKmers).toBe(false);
    expect(settings.forceUseParallelHighFrequencyKmerCache).toBe(false);
    expect(settings.forceSimdCapability).toBe(-1);
    expect(settings.queryKmerCacheMaxEntries).toBe(50000);
    expect(settings.actualMinScoreCacheMaxEntries).toBe(50000);
    expect(settings.highFrequencyKmerCacheLoadBatchSize).toBe(10000);
    expect(settings.highFrequencyAnalysisHashtableSize).toBe(1000000);
    expect(settings.maxParallelMaintenanceWorkers).toBe(2);
    expect(settings.maxParallelWorkers).toBe(8);
    expect(settings.maintenanceWorkMemoryKilobytes).toBe(65536);
    expect(settings.clientMinMessages).toBe('NOTICE');
    expect(settings.statementTimeoutMilliseconds).toBe(0);
  });

  it('SHOW ALL lists every setting by name with a description', () => {
    const rows = new Settings().showAll();
    expect(rows.map((row) => row.name)).toEqual(settingDefinitions.map((definition) => definition.name).sort());
    expect(rows.find((row) => row.name === 'kmersearch.kmer_size')).toEqual({
      name: 'kmersearch.kmer_size',
      setting: '16',
      description: 'K-mer size used for index creation and search',
    });
    for (const row of rows) expect(row.description.length).toBeGreaterThan(10);
  });
});

describe('SET and SHOW', () => {
  it('names are case-insensitive; SHOW reports the canonical name', () => {
    const settings = new Settings();
    settings.set('KmerSearch.Kmer_Size', '20');
    expect(settings.show('KMERSEARCH.KMER_SIZE')).toBe('20');
    expect(settings.canonicalName('KMERSEARCH.KMER_SIZE')).toBe('kmersearch.kmer_size');
  });

  it('integers round decimals half to even and accept hex and octal', () => {
    const settings = new Settings();
    settings.set('kmersearch.kmer_size', '4.6');
    expect(settings.kmerSize).toBe(5);
    settings.set('kmersearch.kmer_size', '4.5');
    expect(settings.kmerSize).toBe(4);
    settings.set('kmersearch.kmer_size', '0x0a');
    expect(settings.kmerSize).toBe(10);
    settings.set('kmersearch.kmer_size', '010');
    expect(settings.kmerSize).toBe(8);
    settings.set('kmersearch.kmer_size', 12);
    expect(settings.show('kmersearch.kmer_size')).toBe('12');
  });

  it('reals keep full precision and SHOW with %g', () => {
    const settings = new Settings();
    const cases: [string, string][] = [
      ['0.0', '0'],
      ['1.0', '1'],
      ['0.33333', '0.33333'],
      ['1e-7', '1e-07'],
      ['0.1234567890123', '0.123457'],
    ];
    for (const [input, shown] of cases) {
      settings.set('kmersearch.min_shared_kmer_rate', input);
      expect(settings.show('kmersearch.min_shared_kmer_rate')).toBe(shown);
    }
    expect(settings.minSharedKmerRate).toBe(0.1234567890123);
  });

  it('booleans accept PostgreSQL spellings and SHOW on/off', () => {
    const settings = new Settings();
    for (const [input, shown] of [
      ['on', 'on'],
      ['OFF', 'off'],
      ['true', 'on'],
      ['f', 'off'],
      ['yes', 'on'],
      ['n', 'off'],
      ['1', 'on'],
      ['0', 'off'],
    ] as const) {
      settings.set('kmersearch.preclude_highfreq_kmer', input);
      expect(settings.show('kmersearch.preclude_highfreq_kmer')).toBe(shown);
    }
    settings.set('kmersearch.preclude_highfreq_kmer', true);
    expect(settings.precludeHighFrequencyKmers).toBe(true);
  });

  it('memory and time settings take units and SHOW like PostgreSQL', () => {
    const settings = new Settings();
    settings.set('maintenance_work_mem', '1GB');
    expect(settings.show('maintenance_work_mem')).toBe('1GB');
    settings.set('maintenance_work_mem', '1500');
    expect(settings.show('maintenance_work_mem')).toBe('1500kB');
    settings.set('maintenance_work_mem', '1024kB');
    expect(settings.show('maintenance_work_mem')).toBe('1MB');
    expect(settings.maintenanceWorkMemoryKilobytes).toBe(1024);
    settings.set('statement_timeout', '5s');
    expect(settings.show('statement_timeout')).toBe('5s');
    expect(settings.statementTimeoutMilliseconds).toBe(5000);
    settings.set('statement_timeout', '60000');
    expect(settings.show('statement_timeout')).toBe('1min');
    settings.set('statement_timeout', 1500);
    expect(settings.show('statement_timeout')).toBe('1500ms');
    settings.set('statement_timeout', '0');
    expect(settings.show('statement_timeout')).toBe('0');
  });

  it('client_min_messages accepts levels case-insensitively, including hidden aliases', () => {
    const settings = new Settings();
    settings.set('client_min_messages', 'WARNING');
    expect(settings.show('client_min_messages')).toBe('warning');
    settings.set('client_min_messages', 'debug');
    expect(settings.show('client_min_messages')).toBe('debug2');
    settings.set('client_min_messages', 'info');
    expect(settings.show('client_min_messages')).toBe('info');
  });

  it('custom prefix.name placeholders hold text; tryShow returns undefined for unknown names', () => {
    const settings = new Settings();
    expect(settings.tryShow('myapp.user_id')).toBeUndefined();
    settings.set('myapp.user_id', '42');
    expect(settings.show('myapp.user_id')).toBe('42');
    settings.resetAll();
    expect(settings.show('myapp.user_id')).toBe('');
    expect(settings.showAll().some((row) => row.name === 'myapp.user_id')).toBe(false);
  });
});

describe('error texts', () => {
  it('combination check on kmer_size: message, DETAIL, HINT, SQLSTATE 22023; value unchanged', () => {
    const settings = new Settings();
    expectError(() => settings.set('kmersearch.kmer_size', '30'), {
      code: '22023',
      message: 'invalid kmersearch.kmer_size value',
      detail: 'Total bit length (kmer_size * 2 + occur_bitlen) = (30 * 2 + 8) = 68 exceeds maximum of 64 bits.',
      hint: combinationHintK,
    });
    expect(settings.kmerSize).toBe(16);
  });

  it('combination check on occur_bitlen uses the current kmer_size; T = 64 is allowed', () => {
    const settings = new Settings();
    settings.set('kmersearch.kmer_size', '28');
    expect(settings.kmerSize * 2 + settings.occurrenceBits).toBe(64);
    expectError(() => settings.set('kmersearch.occur_bitlen', '9'), {
      code: '22023',
      message: 'invalid kmersearch.occur_bitlen value',
      detail: 'Total bit length (kmer_size * 2 + occur_bitlen) = (28 * 2 + 9) = 65 exceeds maximum of 64 bits.',
      hint: combinationHintB,
    });
    expect(settings.occurrenceBits).toBe(8);
    settings.set('kmersearch.occur_bitlen', '0');
    settings.set('kmersearch.kmer_size', '32');
    expect(settings.show('kmersearch.kmer_size')).toBe('32');
  });

  it('range errors print integers as integers and reals with %g; they precede the combination check', () => {
    const settings = new Settings();
    expectError(() => settings.set('kmersearch.kmer_size', '3'), {
      code: '22023',
      message: '3 is outside the valid range for parameter "kmersearch.kmer_size" (4 .. 32)',
    });
    expectError(() => settings.set('kmersearch.kmer_size', '33'), {
      code: '22023',
      message: '33 is outside the valid range for parameter "kmersearch.kmer_size" (4 .. 32)',
    });
    expectError(() => settings.set('kmersearch.max_appearance_rate', '-0.1'), {
      code: '22023',
      message: '-0.1 is outside the valid range for parameter "kmersearch.max_appearance_rate" (0 .. 1)',
    });
    expectError(() => settings.set('kmersearch.min_shared_kmer_rate', '1.0000001'), {
      code: '22023',
      message: '1 is outside the valid range for parameter "kmersearch.min_shared_kmer_rate" (0 .. 1)',
    });
    expectError(() => settings.set('kmersearch.min_shared_kmer_rate', 'inf'), {
      code: '22023',
      message: 'inf is outside the valid range for parameter "kmersearch.min_shared_kmer_rate" (0 .. 1)',
    });
    expectError(() => settings.set('kmersearch.query_kmer_cache_max_entries', '999'), {
      code: '22023',
      message: '999 is outside the valid range for parameter "kmersearch.query_kmer_cache_max_entries" (1000 .. 10000000)',
    });
    expectError(() => settings.set('kmersearch.min_score', '-1'), {
      code: '22023',
      message: '-1 is outside the valid range for parameter "kmersearch.min_score" (0 .. 2147483647)',
    });
    expectError(() => settings.set('max_parallel_workers', '1025'), {
      code: '22023',
      message: '1025 is outside the valid range for parameter "max_parallel_workers" (0 .. 1024)',
    });
  });

  it('range errors of unit settings carry the unit', () => {
    const settings = new Settings();
    expectError(() => settings.set('maintenance_work_mem', '1000kB'), {
      code: '22023',
      message: '1000 kB is outside the valid range for parameter "maintenance_work_mem" (1024 kB .. 2147483647 kB)',
    });
    expectError(() => settings.set('statement_timeout', '-1'), {
      code: '22023',
      message: '-1 ms is outside the valid range for parameter "statement_timeout" (0 ms .. 2147483647 ms)',
    });
  });

  it('unparsable values', () => {
    const settings = new Settings();
    expectError(() => settings.set('kmersearch.kmer_size', 'abc'), {
      code: '22023',
      message: 'invalid value for parameter "kmersearch.kmer_size": "abc"',
    });
    expectError(() => settings.set('kmersearch.min_score', '99999999999'), {
      code: '22023',
      message: 'invalid value for parameter "kmersearch.min_score": "99999999999"',
      hint: 'Value exceeds integer range.',
    });
    expectError(() => settings.set('kmersearch.max_appearance_rate', 'half'), {
      code: '22023',
      message: 'invalid value for parameter "kmersearch.max_appearance_rate": "half"',
    });
    expectError(() => settings.set('maintenance_work_mem', '64mb'), {
      code: '22023',
      message: 'invalid value for parameter "maintenance_work_mem": "64mb"',
      hint: 'Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".',
    });
    expectError(() => settings.set('statement_timeout', '5 sec'), {
      code: '22023',
      message: 'invalid value for parameter "statement_timeout": "5 sec"',
      hint: 'Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".',
    });
    expectError(() => settings.set('kmersearch.kmer_size', '16kB'), {
      code: '22023',
      message: 'invalid value for parameter "kmersearch.kmer_size": "16kB"',
    });
    expectError(() => settings.set('client_min_messages', 'loud'), {
      code: '22023',
      message: 'invalid value for parameter "client_min_messages": "loud"',
      hint: 'Available values: debug5, debug4, debug3, debug2, debug1, log, notice, warning, error.',
    });
  });

  it('booleans', () => {
    const settings = new Settings();
    expectError(() => settings.set('kmersearch.preclude_highfreq_kmer', 'maybe'), {
      code: '22023',
      message: 'parameter "kmersearch.preclude_highfreq_kmer" requires a Boolean value',
    });
    expectError(() => settings.set('kmersearch.force_use_parallel_highfreq_kmer_cache', 'o'), {
      code: '22023',
      message: 'parameter "kmersearch.force_use_parallel_highfreq_kmer_cache" requires a Boolean value',
    });
  });

  it('unknown names', () => {
    const settings = new Settings();
    expectError(() => settings.set('no_such_setting', '1'), {
      code: '42704',
      message: 'unrecognized configuration parameter "no_such_setting"',
    });
    expectError(() => settings.show('no_such_setting'), {
      code: '42704',
      message: 'unrecognized configuration parameter "no_such_setting"',
    });
    expectError(() => settings.show('kmersearch.no_such_setting'), {
      code: '42704',
      message: 'unrecognized configuration parameter "kmersearch.no_such_setting"',
    });
    expectError(() => settings.reset('no_such_setting'), {
      code: '42704',
      message: 'unrecognized configuration parameter "no_such_setting"',
    });
    expectError(() => settings.set('kmersearch.no_such_setting', '1'), {
      code: '42602',
      message: 'invalid configuration parameter name "kmersearch.no_such_setting"',
      detail: '"kmersearch" is a reserved prefix.',
    });
    expectError(() => settings.set('my app.x', '1'), {
      code: '42602',
      message: 'invalid configuration parameter name "my app.x"',
      detail: 'Custom parameter names must be two or more simple identifiers separated by dots.',
    });
  });

  it('force_simd_capability accepts -1 and 0 only (deviation F8), after the range check', () => {
    const settings = new Settings();
    settings.set('kmersearch.force_simd_capability', '0');
    expect(settings.forceSimdCapability).toBe(0);
    settings.set('kmersearch.force_simd_capability', '-1');
    expectError(() => settings.set('kmersearch.force_simd_capability', '7'), {
      code: '22023',
      message: 'invalid value for parameter "kmersearch.force_simd_capability": 7',
      detail: 'Invalid SIMD capability 7 for x86-64 architecture (valid range: 0-6)',
    });
    expectError(() => settings.set('kmersearch.force_simd_capability', '100'), {
      code: '22023',
      message: 'invalid value for parameter "kmersearch.force_simd_capability": 100',
      detail: 'Invalid SIMD capability 100 for x86-64 architecture (valid range: 0-6)',
    });
    for (const level of [1, 6]) {
      expectError(() => settings.set('kmersearch.force_simd_capability', String(level)), {
        code: '22023',
        message: `invalid value for parameter "kmersearch.force_simd_capability": ${level}`,
        detail: `Cannot force SIMD capability to ${level} (higher than auto-detected capability 0)`,
      });
    }
    expectError(() => settings.set('kmersearch.force_simd_capability', '101'), {
      code: '22023',
      message: '101 is outside the valid range for parameter "kmersearch.force_simd_capability" (-1 .. 100)',
    });
    expectError(() => settings.set('kmersearch.force_simd_capability', '-2'), {
      code: '22023',
      message: '-2 is outside the valid range for parameter "kmersearch.force_simd_capability" (-1 .. 100)',
    });
    expect(settings.forceSimdCapability).toBe(-1);
  });
});

describe('RESET', () => {
  it('RESET restores the default without the combination check', () => {
    const settings = new Settings();
    settings.set('kmersearch.occur_bitlen', '0');
    settings.set('kmersearch.kmer_size', '32');
    settings.reset('kmersearch.occur_bitlen');
    expect([settings.kmerSize, settings.occurrenceBits]).toEqual([32, 8]);
  });

  it('RESET ALL restores every setting', () => {
    const settings = new Settings();
    settings.set('kmersearch.occur_bitlen', '0');
    settings.set('kmersearch.kmer_size', '32');
    settings.set('maintenance_work_mem', '1GB');
    settings.resetAll();
    expect(settings.showAll()).toEqual(new Settings().showAll());
  });
});

describe('transactions', () => {
  it('BEGIN; SET LOCAL occur_bitlen=0; SET kmer_size=32; COMMIT leaves k=32, b=8 (72 bits)', () => {
    const settings = new Settings();
    settings.beginTransaction();
    settings.set('kmersearch.occur_bitlen', '0', { local: true });
    settings.set('kmersearch.kmer_size', '32');
    expect([settings.kmerSize, settings.occurrenceBits]).toEqual([32, 0]);
    settings.commit();
    expect([settings.kmerSize, settings.occurrenceBits]).toEqual([32, 8]);
  });

  it('ROLLBACK undoes SET, SET LOCAL and RESET', () => {
    const settings = new Settings();
    settings.set('kmersearch.min_score', '3');
    settings.beginTransaction();
    settings.set('kmersearch.min_score', '5');
    settings.set('kmersearch.kmer_size', '8', { local: true });
    settings.reset('kmersearch.min_score');
    expect(settings.minScore).toBe(1);
    settings.rollback();
    expect(settings.minScore).toBe(3);
    expect(settings.kmerSize).toBe(16);
    expect(settings.inTransaction).toBe(false);
  });

  it('COMMIT keeps SET, undoes SET LOCAL; SET then SET LOCAL restores the SET value', () => {
    const settings = new Settings();
    settings.beginTransaction();
    settings.set('kmersearch.min_score', '5');
    settings.set('kmersearch.min_score', '7', { local: true });
    expect(settings.minScore).toBe(7);
    settings.set('kmersearch.kmer_size', '8', { local: true });
    settings.set('kmersearch.kmer_size', '9');
    settings.commit();
    expect(settings.minScore).toBe(5);
    expect(settings.kmerSize).toBe(9);
  });

  it('SET LOCAL outside a transaction warns and has no lasting effect', () => {
    const settings = new Settings();
    const notices = settings.set('kmersearch.kmer_size', '8', { local: true });
    expect(notices).toEqual([
      { severity: 'WARNING', code: '25P01', message: 'SET LOCAL can only be used in transaction blocks' },
    ]);
    expect(settings.kmerSize).toBe(16);
    expect(settings.reset('kmersearch.kmer_size', { local: true })).toHaveLength(1);
    expect(settings.set('kmersearch.kmer_size', '8', { local: true, warnOutsideTransaction: false })).toEqual([]);
  });

  it('SET LOCAL outside a transaction still validates, and the warning survives the error', () => {
    const settings = new Settings();
    const notices: Notice[] = [];
    const error = errorOf(() => settings.set('kmersearch.kmer_size', '99', { local: true }, notices));
    expect(error.message).toBe('99 is outside the valid range for parameter "kmersearch.kmer_size" (4 .. 32)');
    expect(notices.map((notice) => notice.message)).toEqual(['SET LOCAL can only be used in transaction blocks']);
  });

  it('inside a transaction the check sees SET LOCAL values; ROLLBACK restores the session values', () => {
    const settings = new Settings();
    settings.set('kmersearch.occur_bitlen', '0');
    settings.beginTransaction();
    settings.set('kmersearch.kmer_size', '32');
    expect(() => settings.set('kmersearch.occur_bitlen', '8', { local: true })).toThrow('invalid kmersearch.occur_bitlen value');
    settings.rollback();
    expect([settings.kmerSize, settings.occurrenceBits]).toEqual([16, 0]);
  });

  it('a failed SET inside a transaction changes nothing', () => {
    const settings = new Settings();
    settings.beginTransaction();
    expect(() => settings.set('kmersearch.kmer_size', '31')).toThrow(KmerSearchError);
    settings.rollback();
    expect(settings.kmerSize).toBe(16);
  });

  it('RESET ALL inside a transaction is undone by ROLLBACK', () => {
    const settings = new Settings();
    settings.set('kmersearch.min_score', '4');
    settings.beginTransaction();
    settings.resetAll();
    expect(settings.minScore).toBe(1);
    settings.rollback();
    expect(settings.minScore).toBe(4);
  });

  it('placeholders created in a rolled-back transaction survive with an empty value', () => {
    const settings = new Settings();
    settings.beginTransaction();
    settings.set('myapp.mode', 'fast');
    settings.rollback();
    expect(settings.show('myapp.mode')).toBe('');
  });
});

describe('assign hooks', () => {
  function recordAssignments(settings: Settings): SettingAssignment[] {
    const assignments: SettingAssignment[] = [];
    settings.onAssign((assignment) => assignments.push(assignment));
    return assignments;
  }

  it('run on every successful SET and RESET, even when the value does not change', () => {
    const settings = new Settings();
    const assignments = recordAssignments(settings);
    settings.set('kmersearch.kmer_size', '16');
    settings.set('kmersearch.kmer_size', '16');
    settings.reset('kmersearch.kmer_size');
    expect(() => settings.set('kmersearch.kmer_size', '40')).toThrow();
    expect(assignments.map((assignment) => [assignment.name, assignment.value])).toEqual([
      ['kmersearch.kmer_size', 16],
      ['kmersearch.kmer_size', 16],
      ['kmersearch.kmer_size', 16],
    ]);
  });

  it('list the caches each setting invalidates (F1: occur_bitlen also frees query-k-mer and ams caches)', () => {
    const settings = new Settings();
    const assignments = recordAssignments(settings);
    const changes: [string, string][] = [
      ['kmersearch.kmer_size', '12'],
      ['kmersearch.occur_bitlen', '4'],
      ['kmersearch.max_appearance_rate', '0.2'],
      ['kmersearch.max_appearance_nrow', '10'],
      ['kmersearch.min_score', '2'],
      ['kmersearch.min_shared_kmer_rate', '0.1'],
      ['kmersearch.query_kmer_cache_max_entries', '2000'],
      ['kmersearch.actual_min_score_cache_max_entries', '2000'],
      ['kmersearch.preclude_highfreq_kmer', 'on'],
      ['kmersearch.force_use_parallel_highfreq_kmer_cache', 'on'],
      ['max_parallel_workers', '2'],
    ];
    for (const [name, value] of changes) settings.set(name, value);
    expect(Object.fromEntries(assignments.map((assignment) => [assignment.name, assignment.invalidatedCaches]))).toEqual({
      'kmersearch.kmer_size': ['query-kmer', 'actual-min-score', 'high-frequency'],
      'kmersearch.occur_bitlen': ['query-kmer', 'actual-min-score', 'high-frequency'],
      'kmersearch.max_appearance_rate': ['actual-min-score', 'high-frequency'],
      'kmersearch.max_appearance_nrow': ['actual-min-score', 'high-frequency'],
      'kmersearch.min_score': ['actual-min-score'],
      'kmersearch.min_shared_kmer_rate': ['actual-min-score'],
      'kmersearch.query_kmer_cache_max_entries': ['query-kmer'],
      'kmersearch.actual_min_score_cache_max_entries': [],
      'kmersearch.preclude_highfreq_kmer': [],
      'kmersearch.force_use_parallel_highfreq_kmer_cache': [],
      max_parallel_workers: [],
    });
  });

  it('run at transaction end only for values that actually change back (guc.c AtEOXact_GUC)', () => {
    const settings = new Settings();
    const assignments = recordAssignments(settings);
    settings.beginTransaction();
    settings.set('kmersearch.kmer_size', '16', { local: true });
    settings.set('kmersearch.min_score', '5', { local: true });
    assignments.length = 0;
    settings.commit();
    expect(assignments.map((assignment) => [assignment.name, assignment.value])).toEqual([['kmersearch.min_score', 1]]);
  });

  it('RESET ALL runs hooks only for settings SET in this session', () => {
    const settings = new Settings();
    settings.set('kmersearch.min_score', '5');
    settings.set('kmersearch.kmer_size', '10');
    settings.reset('kmersearch.kmer_size');
    const assignments = recordAssignments(settings);
    settings.resetAll();
    expect(assignments.map((assignment) => assignment.name)).toEqual(['kmersearch.min_score']);
  });

  it('the high-frequency listener fires for k, b, rate and nrow, and its WARNING is returned', () => {
    const settings = new Settings();
    let cacheLoaded = true;
    const fired: string[] = [];
    settings.onHighFrequencyCacheInvalidated((assignment) => {
      fired.push(assignment.name);
      if (cacheLoaded) assignment.emit(highFrequencyCacheClearedNotice());
      cacheLoaded = false;
    });
    const notices = settings.set('kmersearch.max_appearance_rate', '0.25');
    expect(notices).toEqual([{ severity: 'WARNING', code: '01000', message: HIGH_FREQUENCY_CACHE_CLEARED_WARNING }]);
    expect(HIGH_FREQUENCY_CACHE_CLEARED_WARNING).toBe(
      'High-frequency k-mer cache has been cleared. You may need to manually execute kmersearch_highfreq_kmer_cache_load() to reload the cache if needed.',
    );
    settings.set('kmersearch.min_score', '3');
    settings.set('kmersearch.preclude_highfreq_kmer', 'on');
    settings.set('kmersearch.kmer_size', '12');
    settings.set('kmersearch.occur_bitlen', '4');
    settings.set('kmersearch.max_appearance_nrow', '4');
    expect(fired).toEqual([
      'kmersearch.max_appearance_rate',
      'kmersearch.kmer_size',
      'kmersearch.occur_bitlen',
      'kmersearch.max_appearance_nrow',
    ]);
  });

  it('notices raised at transaction end are returned by commit/rollback', () => {
    const settings = new Settings();
    settings.onHighFrequencyCacheInvalidated((assignment) => assignment.emit(highFrequencyCacheClearedNotice()));
    settings.beginTransaction();
    settings.set('kmersearch.kmer_size', '10');
    expect(settings.rollback()).toHaveLength(1);
  });

  it('client_min_messages filters notices when they are raised', () => {
    const settings = new Settings();
    settings.set('client_min_messages', 'error');
    expect(settings.set('kmersearch.kmer_size', '8', { local: true })).toEqual([]);
    expect(settings.deliversToClient('WARNING')).toBe(false);
    expect(settings.deliversToClient('INFO')).toBe(true);
    expect(settings.deliversToClient('ERROR')).toBe(true);
    settings.set('client_min_messages', 'notice');
    expect(settings.deliversToClient('NOTICE')).toBe(true);
    expect(settings.deliversToClient('LOG')).toBe(false);
    expect(settings.deliversToClient('INFO')).toBe(true);
  });
});

describe('SET then SHOW round trips (property)', () => {
  it('integers: SHOW prints what was SET, and SET of the SHOW text gives the same value', () => {
    const integerSettings = settingDefinitions.filter(
      (definition) =>
        definition.type === 'integer' &&
        definition.name !== 'kmersearch.kmer_size' &&
        definition.name !== 'kmersearch.occur_bitlen' &&
        definition.name !== 'kmersearch.force_simd_capability',
    );
    const arbitrary = fc.constantFrom(...integerSettings).chain((definition) =>
      fc.tuple(
        fc.constant(definition),
        fc.integer({ min: 'minimum' in definition ? definition.minimum : 0, max: 'maximum' in definition ? definition.maximum : 0 }),
      ),
    );
    fc.assert(
      fc.property(arbitrary, ([definition, value]) => {
        const settings = new Settings();
        settings.set(definition.name, String(value));
        expect(settings.value(definition.name)).toBe(value);
        const shown = settings.show(definition.name);
        if (!('unit' in definition)) expect(shown).toBe(String(value));
        const again = new Settings();
        again.set(definition.name, shown);
        expect(again.value(definition.name)).toBe(value);
      }),
      { numRuns: 2000 },
    );
  });

  it('kmer_size and occur_bitlen: any valid combination round-trips', () => {
    const combination = fc
      .integer({ min: 4, max: 32 })
      .chain((kmerSize) => fc.tuple(fc.constant(kmerSize), fc.integer({ min: 0, max: Math.min(16, 64 - 2 * kmerSize) })));
    fc.assert(
      fc.property(combination, ([kmerSize, occurrenceBits]) => {
        const settings = new Settings();
        settings.set('kmersearch.occur_bitlen', '0');
        settings.set('kmersearch.kmer_size', String(kmerSize));
        settings.set('kmersearch.occur_bitlen', String(occurrenceBits));
        expect(settings.show('kmersearch.kmer_size')).toBe(String(kmerSize));
        expect(settings.show('kmersearch.occur_bitlen')).toBe(String(occurrenceBits));
      }),
    );
  });

  it('reals keep the exact double and SHOW it with %g', () => {
    const names = ['kmersearch.max_appearance_rate', 'kmersearch.min_shared_kmer_rate'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.double({ min: 0, max: 1, noNaN: true }).filter((value) => value === 0 || value >= 2.2250738585072014e-308), (name, value) => {
        const settings = new Settings();
        settings.set(name, String(value));
        expect(Object.is(settings.value(name), value) || (value === 0 && settings.value(name) === 0)).toBe(true);
        expect(settings.show(name)).toBe(formatCDoubleG(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('booleans: every accepted spelling shows on or off', () => {
    const spellings = fc.constantFrom(
      ['on', 'on'],
      ['off', 'off'],
      ['TRUE', 'on'],
      ['tr', 'on'],
      ['fal', 'off'],
      ['Yes', 'on'],
      ['NO', 'off'],
      ['1', 'on'],
      ['0', 'off'],
    );
    fc.assert(
      fc.property(spellings, fc.constantFrom('kmersearch.preclude_highfreq_kmer', 'kmersearch.force_use_parallel_highfreq_kmer_cache'), ([input, shown], name) => {
        const settings = new Settings();
        settings.set(name, input);
        expect(settings.show(name)).toBe(shown);
      }),
    );
  });
});
