import { describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import { formatAlignedTable, formatErrorLines } from '../../src/sql/format.js';

describe('psql aligned format', () => {
  it('prints a one-column result like psql', () => {
    expect(formatAlignedTable([{ name: 'dna2', alignRight: false }], [['ACGT']])).toBe(
      [' dna2 ', '------', ' ACGT', '(1 row)', '', ''].join('\n'),
    );
  });

  it('right-aligns numbers, pads all but the last column and centres headers', () => {
    const text = formatAlignedTable(
      [
        { name: 'id', alignRight: true },
        { name: 'seq', alignRight: false },
      ],
      [
        ['1', 'ACGT'],
        ['10', 'ACGTAC'],
      ],
    );
    expect(text).toBe([' id |  seq   ', '----+--------', '  1 | ACGT', ' 10 | ACGTAC', '(2 rows)', '', ''].join('\n'));
  });

  it('prints nulls as empty cells and an empty result with (0 rows)', () => {
    expect(formatAlignedTable([{ name: 'a', alignRight: false }, { name: 'b', alignRight: true }], [[null, null]])).toBe(
      [' a | b ', '---+---', '   |  ', '(1 row)', '', ''].join('\n'),
    );
    expect(formatAlignedTable([{ name: 'a', alignRight: false }], [])).toBe([' a ', '---', '(0 rows)', '', ''].join('\n'));
  });

  it('marks continued lines of a multi-line value with +', () => {
    expect(formatAlignedTable([{ name: '?column?', alignRight: false }], [['a\nb']])).toBe(
      [' ?column? ', '----------', ' a       +', ' b', '(1 row)', '', ''].join('\n'),
    );
  });
});

describe('psql error lines', () => {
  it('prints ERROR, LINE with caret, DETAIL and HINT', () => {
    const error = new KmerSearchError('42601', 'syntax error at or near "SELEC"', { position: 1 });
    expect(formatErrorLines(error, 'SELEC 1;')).toEqual(['ERROR:  syntax error at or near "SELEC"', 'LINE 1: SELEC 1;', '        ^']);
    const withDetail = new KmerSearchError('22023', 'invalid kmersearch.kmer_size value', { detail: 'd', hint: 'h' });
    expect(formatErrorLines(withDetail)).toEqual(['ERROR:  invalid kmersearch.kmer_size value', 'DETAIL:  d', 'HINT:  h']);
  });

  it('points into the right line of a multi-line statement', () => {
    const error = new KmerSearchError('42601', 'syntax error at or near "FRM"', { position: 12 });
    expect(formatErrorLines(error, 'SELECT 1\n  FRM t')).toEqual(['ERROR:  syntax error at or near "FRM"', 'LINE 2:   FRM t', '          ^']);
  });
});
