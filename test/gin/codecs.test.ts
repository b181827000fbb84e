import fc from 'fast-check';
import { PageValues } from '../../src/gin/merge.js';
import { describe, expect, it } from 'vitest';
import {
  IndexPagesWriter,
  KeyFilter,
  PageDirectory,
  PageReader,
  PairSorter,
  pageGroupCount,
  PostingBuffer,
  checkSortedRun,
  decodePendingEntry,
  decodePostingList,
  encodePendingEntry,
  encodePostingList,
  makeSortedRun,
  maxPageBytes,
  postingListChunks,
  RowKeys,
} from '../../src/gin/index.js';
import {
  ByteCursor,
  flaggedVarUint64Length,
  readFlaggedVarUint64,
  readVarUint32,
  readVarUint64,
  varUint32Length,
  varUint64Length,
  writeFlaggedVarUint64,
  writeVarUint32,
  writeVarUint64,
} from '../../src/gin/varint.js';

const uint32 = fc.integer({ min: 0, max: 0xffffffff });

/** Sorted distinct row ids. */
const rowIdLists = fc
  .uniqueArray(fc.oneof(fc.integer({ min: 0, max: 300 }), uint32), { minLength: 1, maxLength: 400 })
  .map((ids) => Uint32Array.from(ids).sort());

describe('varints', () => {
  it('round-trip 32-bit, 64-bit and flagged 64-bit values with the predicted lengths', () => {
    fc.assert(
      fc.property(uint32, uint32, fc.integer({ min: 0, max: 1 }), (high, low, flag) => {
        const bytes = new Uint8Array(16);
        const cursor = new ByteCursor(bytes, 0);
        expect(writeVarUint32(bytes, 0, low)).toBe(varUint32Length(low));
        expect(readVarUint32(cursor)).toBe(low);
        expect(writeVarUint64(bytes, 0, high, low)).toBe(varUint64Length(high, low));
        cursor.reset(bytes, 0);
        expect([readVarUint64(cursor), cursor.high, cursor.position]).toEqual([low, high, varUint64Length(high, low)]);
        expect(writeFlaggedVarUint64(bytes, 0, high, low, flag)).toBe(flaggedVarUint64Length(high, low));
        cursor.reset(bytes, 0);
        expect([readFlaggedVarUint64(cursor), cursor.high, cursor.flag]).toEqual([low, high, flag]);
      }),
      { numRuns: 2000 },
    );
    // Boundaries of the length rules.
    for (const [high, low] of [[0, 0x3f], [0, 0x40], [0, 0x7ffffff], [0, 0x8000000], [1, 0], [0xffffffff, 0xffffffff]] as const) {
      const bytes = new Uint8Array(16);
      expect(writeFlaggedVarUint64(bytes, 0, high, low, 1)).toBe(flaggedVarUint64Length(high, low));
      const cursor = new ByteCursor(bytes, 0);
      expect([readFlaggedVarUint64(cursor), cursor.high, cursor.flag]).toEqual([low, high, 1]);
    }
  });
});

describe('posting lists', () => {
  it('round-trip sorted row ids', () => {
    fc.assert(
      fc.property(rowIdLists, (rowIds) => {
        expect(decodePostingList(encodePostingList(rowIds))).toEqual(rowIds);
      }),
    );
  });

  it('split long lists into chunks that each fit and decode on their own', () => {
    fc.assert(
      fc.property(rowIdLists, fc.integer({ min: 5, max: 64 }), (rowIds, maxChunkBytes) => {
        const bounds = postingListChunks(rowIds, rowIds.length, maxChunkBytes);
        const joined: number[] = [];
        for (let chunk = 0; chunk + 1 < bounds.length; chunk++) {
          const part = rowIds.subarray(bounds[chunk], bounds[chunk + 1]);
          const encoded = encodePostingList(part);
          // The count prefix is not part of a chunk's budget.
          expect(encoded.length - varUint32Length(part.length)).toBeLessThanOrEqual(maxChunkBytes);
          joined.push(...decodePostingList(encoded));
        }
        expect(joined).toEqual([...rowIds]);
      }),
    );
  });
});

/** Random (key, posting list) entries, keys ascending, for a layout of `bits` key bits. */
function entriesArbitrary(bits: number) {
  const key = bits <= 32
    ? fc.integer({ min: 0, max: 2 ** bits - 1 }).map((low) => [0, low] as const)
    : fc.tuple(fc.integer({ min: 0, max: 2 ** (bits - 32) - 1 }), uint32);
  const list = fc.oneof(
    { weight: 8, arbitrary: fc.uniqueArray(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { minLength: 1, maxLength: 6000 }) },
  );
  return fc
    .uniqueArray(fc.tuple(key, list), { minLength: 1, maxLength: 3000, selector: ([[high, low]]) => high * 2 ** 32 + low })
    .map((entries) =>
      entries
        .map(([[high, low], rowIds]) => ({ high, low, rowIds: Uint32Array.from(rowIds).sort() }))
        .sort((a, b) => a.high - b.high || a.low - b.low),
    );
}

describe('pages', () => {
  for (const bits of [16, 40, 64]) {
    it(`store and find every key of ${bits}-bit layouts, with long lists in chunks`, () => {
      fc.assert(
        fc.property(entriesArbitrary(bits), (entries) => {
          const writer = new IndexPagesWriter(77, null);
          for (const entry of entries) for (const rowId of entry.rowIds) writer.add(entry.high, entry.low, rowId);
          writer.finish();
          const pages = writer.takePages();
          expect(writer.statistics.keys).toBe(entries.length);
          expect(writer.statistics.pages).toBe(pages.length);
          for (const page of pages) expect(page.value.length).toBeLessThanOrEqual(maxPageBytes);
          // The directory as loaded from LMDB keys equals the one the writer kept.
          const stored = new Map(pages.map((page) => [Buffer.from(page.key).toString('hex'), page.value]));
          const loaded = PageDirectory.load(
            {
              cacheScope: {},
              readIndexEntry: (key) => stored.get(Buffer.from(key).toString('hex')),
              indexEntries: () => [],
              indexKeys: () => pages.map((page) => page.key),
            },
            77,
          );
          const directory = writer.directory();
          expect([...loaded.firstHigh]).toEqual([...directory.firstHigh]);
          expect([...loaded.firstLow]).toEqual([...directory.firstLow]);
          expect([...loaded.chunk]).toEqual([...directory.chunk]);
          const reader = new PageReader();
          const postings = new PostingBuffer();
          /** The list of a key as GinSearcher looks it up, or undefined when absent. */
          const lookUpInPages = (high: number, low: number): Uint32Array | undefined => {
            const found = new PostingBuffer();
            let pageIndex = directory.findPage(high, low);
            if (pageIndex < 0) return undefined;
            for (;;) {
              const page = stored.get(directory.keyOf(pageIndex).toString('hex'))!;
              const groups = pageGroupCount(page);
              const bounds = [directory.firstKey(pageIndex), directory.upperBound(pageIndex)] as const;
              if (reader.findInPage(page, groups, bounds[0], bounds[1], high, low, found) < 0) break;
              if (!directory.continues(pageIndex + 1, high, low)) break;
              pageIndex++;
            }
            return found.count === 0 ? undefined : found.rowIds.slice(0, found.count);
          };
          for (const entry of entries) {
            postings.count = 0;
            let pageIndex = directory.findPage(entry.high, entry.low);
            expect(pageIndex).toBeGreaterThanOrEqual(0);
            for (;;) {
              const page = stored.get(directory.keyOf(pageIndex).toString('hex'))!;
              expect(reader.find(page, entry.high, entry.low, postings)).toBeGreaterThan(0);
              if (!directory.continues(pageIndex + 1, entry.high, entry.low)) break;
              pageIndex++;
            }
            expect(postings.rowIds.subarray(0, postings.count)).toEqual(entry.rowIds);
            // The search's lookup (group count and key bounds from the directory) finds the same list.
            expect(lookUpInPages(entry.high, entry.low)).toEqual(entry.rowIds);
            // A key just after this one is absent (unless it is the next entry).
            const next = entries[entries.indexOf(entry) + 1];
            const absentLow = (entry.low + 1) >>> 0;
            const absentHigh = entry.low === 0xffffffff ? entry.high + 1 : entry.high;
            if (next !== undefined && !(next.high === absentHigh && next.low === absentLow) && absentHigh < 2 ** 32) {
              const at = directory.findPage(absentHigh, absentLow);
              postings.count = 0;
              expect(reader.find(stored.get(directory.keyOf(at).toString('hex'))!, absentHigh, absentLow, postings)).toBe(-1);
              expect(lookUpInPages(absentHigh, absentLow)).toBeUndefined();
            }
          }
          // findPage (bucket table, then binary search) equals a walk over every page, for keys in and around them.
          const linearFindPage = (high: number, low: number): number => {
            let found = -1;
            for (let index = 0; index < directory.count; index++) {
              const pageHigh = directory.firstHigh[index]!;
              const pageLow = directory.firstLow[index]!;
              if (pageHigh < high || (pageHigh === high && (pageLow < low || (pageLow === low && directory.chunk[index] === 0)))) found = index;
            }
            return found;
          };
          const probes: [number, number][] = [[0, 0], [0xffffffff, 0xffffffff]];
          for (let index = 0; index < directory.count; index++) {
            const high = directory.firstHigh[index]!;
            const low = directory.firstLow[index]!;
            probes.push([high, low], [high, (low + 1) >>> 0], [low === 0 ? Math.max(0, high - 1) : high, (low - 1) >>> 0]);
          }
          for (const [high, low] of probes) expect(directory.findPage(high, low)).toBe(linearFindPage(high, low));
          // decodeAll yields every posting in order.
          const high: number[] = [];
          const low: number[] = [];
          const rowIds: number[] = [];
          for (const page of pages) {
            const h = new Uint32Array(page.value.length);
            const l = new Uint32Array(page.value.length);
            const r = new Uint32Array(page.value.length);
            const end = reader.decodeAll(page.value, h, l, r, 0);
            high.push(...h.subarray(0, end));
            low.push(...l.subarray(0, end));
            rowIds.push(...r.subarray(0, end));
          }
          expect(rowIds).toEqual(entries.flatMap((entry) => [...entry.rowIds]));
          expect(low).toEqual(entries.flatMap((entry) => Array.from(entry.rowIds, () => entry.low)));
          expect(high).toEqual(entries.flatMap((entry) => Array.from(entry.rowIds, () => entry.high)));
        }),
        { numRuns: 30 },
      );
    });
  }

  it('laid back to back into one buffer (a detached build) are the pages the writer hands out, byte for byte', () => {
    fc.assert(
      fc.property(entriesArbitrary(40), fc.integer({ min: 0, max: 100_000 }), (entries, expectedBytes) => {
        const handedOut = new IndexPagesWriter(0, null);
        // A small estimate makes the buffer grow (with copies) while pages are being laid into it.
        const output = new PageValues(expectedBytes);
        const laidOut = new IndexPagesWriter(0, null, null, output);
        for (const writer of [handedOut, laidOut]) {
          for (const entry of entries) for (const rowId of entry.rowIds) writer.add(entry.high, entry.low, rowId);
          writer.finish();
        }
        const pages = handedOut.takePages();
        expect(laidOut.takePages()).toEqual([]);
        expect(output.count).toBe(pages.length);
        expect(laidOut.statistics).toEqual(handedOut.statistics);
        expect([...laidOut.directory().firstLow]).toEqual([...handedOut.directory().firstLow]);
        let start = 0;
        pages.forEach((page, index) => {
          const end = output.ends[index]!;
          expect(Buffer.from(output.values.subarray(start, end)).equals(Buffer.from(page.value))).toBe(true);
          start = end;
        });
        expect(output.bytes).toBe(start);
      }),
      { numRuns: 30 },
    );
  });

  it('report a missing key before the first page', () => {
    const writer = new IndexPagesWriter(1, null);
    writer.add(0, 100, 5);
    writer.finish();
    expect(writer.directory().findPage(0, 99)).toBe(-1);
  });
});

describe('sorting pairs', () => {
  it('sorts by key, stable for equal keys, for every key width', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.tuple(uint32, uint32), { maxLength: 3000 }),
        (bits, raw) => {
          const highMask = bits <= 32 ? 0 : bits >= 64 ? 0xffffffff : 2 ** (bits - 32) - 1;
          const lowMask = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
          const pairs = raw.map(([high, low], index) => ({
            high: (high & highMask) >>> 0,
            low: (low & lowMask) >>> 0,
            rowId: index,
          }));
          const count = pairs.length;
          const sorted = new PairSorter().sort(
            Uint32Array.from(pairs, (pair) => pair.high),
            Uint32Array.from(pairs, (pair) => pair.low),
            Uint32Array.from(pairs, (pair) => pair.rowId),
            count,
            bits,
          );
          const expected = [...pairs].sort((a, b) => a.high - b.high || a.low - b.low || a.rowId - b.rowId);
          expect([...sorted.rowIds.subarray(0, count)]).toEqual(expected.map((pair) => pair.rowId));
          expect([...sorted.low.subarray(0, count)]).toEqual(expected.map((pair) => pair.low));
          const run = makeSortedRun(bits > 53, sorted.high, sorted.low, sorted.rowIds, count);
          checkSortedRun(run);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects runs out of order', () => {
    expect(() =>
      checkSortedRun({ wide: false, count: 2, keys: Float64Array.of(5, 4), rowIds: Uint32Array.of(1, 2) }),
    ).toThrow('sorted run is out of order at pair 1');
  });
});

describe('pending entries', () => {
  it('round-trip a row’s sorted keys', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(uint32, uint32), { maxLength: 500, selector: ([h, l]) => `${h}:${l}` }), (keys) => {
        keys.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        const encoded = encodePendingEntry(
          Uint32Array.from(keys, (key) => key[0]),
          Uint32Array.from(keys, (key) => key[1]),
          keys.length,
        );
        const decoded = new RowKeys();
        decodePendingEntry(encoded, decoded);
        expect(decoded.count).toBe(keys.length);
        expect([...decoded.high.subarray(0, keys.length)]).toEqual(keys.map((key) => key[0]));
        expect([...decoded.low.subarray(0, keys.length)]).toEqual(keys.map((key) => key[1]));
      }),
    );
  });
});

describe('key filter', () => {
  it('has no false negatives, few false positives, and survives encoding', () => {
    // 20,000 keys over 14 pages (about 1,430 keys per page, as on real genomes).
    const keys = fc.sample(fc.tuple(uint32, uint32), { numRuns: 20000, seed: 5 });
    const pageOf = (index: number): number => Math.floor(index / 1430);
    const filter = KeyFilter.withBitsPerKey(8);
    keys.forEach(([high, low], index) => filter.add(pageOf(index), high, low));
    const decoded = KeyFilter.decode(filter.encode());
    keys.forEach(([high, low], index) => expect(decoded.mayContain(pageOf(index), high, low)).toBe(true));
    const present = new Set(keys.map(([high, low]) => `${high}:${low}`));
    let falsePositives = 0;
    let probes = 0;
    fc.sample(fc.tuple(uint32, uint32), { numRuns: 20000, seed: 6 }).forEach(([high, low], index) => {
      if (present.has(`${high}:${low}`)) return;
      probes++;
      if (decoded.mayContain(index % 14, high, low)) falsePositives++;
    });
    // Pages beyond the filter are not excluded.
    expect(decoded.mayContain(99, 1, 2)).toBe(true);
    expect(falsePositives / probes).toBeLessThan(0.05);
    expect(() => KeyFilter.decode(Uint8Array.of(9, 9, 9))).toThrow('index key filter is corrupt: bad header');
  });
});
