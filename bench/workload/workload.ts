/**
 * Benchmark workload generator (library part; the CLI is make-workload.ts).
 *
 * Everything here is a pure function of the input genomes and a seed: genomes are cut into references of
 * random length, a seeded shuffle picks the references of each size (smaller sizes are prefixes of larger
 * ones, so 1M ⊂ 20M ⊂ 100M), and query reads are sampled from the chosen references with substitutions,
 * small indels and IUPAC codes, plus decoy reads from a genome that is left out of the references.
 * No Math.random: every random draw comes from mulberry32 streams derived from (seed, purpose).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { gunzipSync } from 'node:zlib';

// ---------------------------------------------------------------------------------------------------------
// Seeded randomness

/** A stream of uniform floats in [0, 1). */
export type Rng = () => number;

/** mulberry32: a tiny 32-bit PRNG, good enough for sampling and fully reproducible across platforms. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives an independent 32-bit seed for one purpose (e.g. 'cut:Eco-536') from the user's seed. */
export function deriveSeed(seed: number, purpose: string): number {
  // cyrb53-style string hash of "seed:purpose", folded to 32 bits.
  const s = `${seed >>> 0}:${purpose}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

/** Uniform integer in [lo, hi] (both inclusive). */
export function randInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

// ---------------------------------------------------------------------------------------------------------
// Genomes and FASTA

export interface FastaRecord {
  /** First word of the header line. */
  id: string;
  /** Full header line without '>'. */
  header: string;
  /** Upper-cased sequence, whitespace removed. */
  seq: string;
}

export interface Genome {
  /** Short name used in reference names, e.g. 'Eco-536'. No '_' (reference names split on it). */
  name: string;
  description: string;
  records: FastaRecord[];
}

/** Parses FASTA text; sequences are upper-cased (soft-masked input becomes plain bases). */
export function parseFasta(text: string): FastaRecord[] {
  const records: FastaRecord[] = [];
  let header: string | undefined;
  let parts: string[] = [];
  const flush = (): void => {
    if (header === undefined) return;
    const id = header.trim().split(/\s+/)[0] ?? '';
    records.push({ id, header, seq: parts.join('').replace(/\s+/g, '').toUpperCase() });
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('>')) {
      flush();
      header = line.slice(1).replace(/\r$/, '');
      parts = [];
    } else if (header !== undefined) {
      parts.push(line);
    }
  }
  flush();
  return records;
}

/** Reads a FASTA file, gunzipping it when its name ends in .gz. */
export async function readFastaFile(path: string): Promise<FastaRecord[]> {
  const raw = await readFile(path);
  const text = path.endsWith('.gz') ? gunzipSync(raw).toString('latin1') : raw.toString('latin1');
  return parseFasta(text);
}

/** Total length of a genome's records as stored (non-ACGT characters included). */
export function genomeLength(genome: Genome): number {
  let n = 0;
  for (const r of genome.records) n += r.seq.length;
  return n;
}

/** Concatenation of a genome's records in file order: the coordinate system of reference names and truth offsets. */
export function genomeSequence(genome: Genome): string {
  return genome.records.map((r) => r.seq).join('');
}

// ---------------------------------------------------------------------------------------------------------
// Genome catalogues

export interface GenomeSpec {
  name: string;
  description: string;
  /** Debian package the file comes from ('repo' for the repository's data/). */
  pkg: string;
  /** Path relative to the extraction root (apt) or repository root (repo). Plain or .gz FASTA. */
  path: string;
  /** Keep only records whose header contains one of these strings (default: all records). */
  records?: readonly string[];
}

export interface Catalogue {
  genomes: readonly GenomeSpec[];
  decoy: GenomeSpec;
}

/** Debian example-data packages used by the apt source, in download order. */
export const DEBIAN_PACKAGES = [
  'kleborate-examples',
  'bowtie-examples',
  'ragout-examples',
  'kmer-examples',
  'sibelia-examples',
  'maffilter-examples',
  'abacas-examples',
] as const;

const KLEB = 'usr/share/doc/kleborate/examples/data';
const RAG = 'usr/share/doc/ragout/examples';
const SIB = 'usr/share/doc/sibelia/examples';

/**
 * The distinct complete genomes found in those packages. Left out on purpose: assembly contigs of genomes that
 * are already here (ragout's *_contigs, sibelia's RN4220), duplicate records (N315 and Gambia94/24 appear in
 * both ragout and sibelia: taken once), simulated/mutated genomes, and the AT-rich low-complexity Plasmodium and
 * the human chrX of smalt-examples (their repeats would dominate every high-frequency k-mer statistic).
 * fetch-genomes.sh decompresses the .xz and .tar.gz members so that every path here is plain or .gz FASTA.
 */
export const APT_CATALOGUE: Catalogue = {
  genomes: [
    { name: 'Kpn-HS11286', description: 'Klebsiella pneumoniae HS11286, chromosome + 6 plasmids (CP003200.1, CP003223-8)', pkg: 'kleborate-examples', path: `${KLEB}/Klebs_HS11286.fna` },
    { name: 'Kpn-Kp1084', description: 'Klebsiella pneumoniae 1084, complete genome (CP003785.1)', pkg: 'kleborate-examples', path: `${KLEB}/Klebs_Kp1084.fna` },
    { name: 'Kpn-MGH78578', description: 'Klebsiella pneumoniae MGH 78578, chromosome + 5 plasmids (CP000647.1 …)', pkg: 'kleborate-examples', path: `${KLEB}/MGH78578.fna` },
    { name: 'Kpn-NTUH-K2044', description: 'Klebsiella pneumoniae NTUH-K2044, chromosome + plasmid (AP006725.1 …)', pkg: 'kleborate-examples', path: `${KLEB}/NTUH-K2044.fna` },
    { name: 'Eco-536', description: 'Escherichia coli 536, complete genome (NC_008253.1)', pkg: 'bowtie-examples', path: 'usr/share/doc/bowtie/examples/genomes/NC_008253.fna.gz' },
    { name: 'Eco-DH1', description: 'Escherichia coli DH1 chromosome (NC_017625.1)', pkg: 'ragout-examples', path: `${RAG}/E.Coli/references/DH1.fasta.gz` },
    { name: 'Eco-MG1655', description: 'Escherichia coli K-12 MG1655 chromosome', pkg: 'ragout-examples', path: `${RAG}/E.Coli/references/MG1655-K12.fasta.gz` },
    { name: 'Hpy-ELS37', description: 'Helicobacter pylori ELS37 chromosome (NC_017063.1)', pkg: 'ragout-examples', path: `${RAG}/H.Pylori/references/ELS37.fasta.gz` },
    { name: 'Hpy-G27', description: 'Helicobacter pylori G27 chromosome (NC_011333.1)', pkg: 'ragout-examples', path: `${RAG}/H.Pylori/references/G27.fasta.gz` },
    { name: 'Hpy-Gambia94-24', description: 'Helicobacter pylori Gambia94/24 chromosome (NC_017371.1)', pkg: 'ragout-examples', path: `${RAG}/H.Pylori/references/Gambia94_24.fasta.gz` },
    { name: 'Hpy-Puno120', description: 'Helicobacter pylori Puno120 chromosome (NC_017378.1)', pkg: 'ragout-examples', path: `${RAG}/H.Pylori/references/Puno120.fasta.gz` },
    { name: 'Hpy-SJM180', description: 'Helicobacter pylori SJM180 chromosome (NC_014560.1)', pkg: 'ragout-examples', path: `${RAG}/H.Pylori/references/SJM180.fasta.gz` },
    { name: 'Hpy-F32', description: 'Helicobacter pylori F32, complete genome (NC_017366.1)', pkg: 'sibelia-examples', path: `${SIB}/Sibelia/Helicobacter_pylori/Helicobacter_pylori.fasta.gz`, records: ['NC_017366'] },
    { name: 'Sau-COL', description: 'Staphylococcus aureus COL (NC_002951.2)', pkg: 'ragout-examples', path: `${RAG}/S.Aureus/references/COL.fasta.gz` },
    { name: 'Sau-JKD6008', description: 'Staphylococcus aureus JKD6008 (NC_017341.1)', pkg: 'ragout-examples', path: `${RAG}/S.Aureus/references/JKD6008.fasta.gz` },
    { name: 'Sau-N315', description: 'Staphylococcus aureus N315 chromosome (NC_002745.2)', pkg: 'ragout-examples', path: `${RAG}/S.Aureus/references/N315.fasta.gz` },
    { name: 'Sau-RF122', description: 'Staphylococcus aureus RF122 (NC_007622.1)', pkg: 'ragout-examples', path: `${RAG}/S.Aureus/references/RF122.fasta.gz` },
    { name: 'Sau-USA300', description: 'Staphylococcus aureus USA300_FPR3757 (NC_007793.1)', pkg: 'ragout-examples', path: `${RAG}/S.Aureus/references/USA300_FPR3757.fasta.gz` },
    { name: 'Sau-NCTC8325', description: 'Staphylococcus aureus NCTC 8325 (NC_007795.1)', pkg: 'sibelia-examples', path: `${SIB}/C-Sibelia/Staphylococcus_aureus/NCTC8325.fasta.gz` },
    { name: 'Sau-JH1', description: 'Staphylococcus aureus JH1 chromosome (NC_009632.1)', pkg: 'sibelia-examples', path: `${SIB}/Sibelia/Staphylococcus_aureus/Staphylococcus.fasta.gz`, records: ['NC_009632'] },
    { name: 'Sau-TW20', description: 'Staphylococcus aureus TW20 (NC_017331.1)', pkg: 'sibelia-examples', path: `${SIB}/Sibelia/Staphylococcus_aureus/Staphylococcus.fasta.gz`, records: ['NC_017331'] },
    { name: 'Sau-MSSA476', description: 'Staphylococcus aureus MSSA476 chromosome (NC_002953.3)', pkg: 'sibelia-examples', path: `${SIB}/Sibelia/Staphylococcus_aureus/Staphylococcus.fasta.gz`, records: ['NC_002953'] },
    { name: 'Vch-H1', description: 'Vibrio cholerae H1, chromosomes 1 and 2 (AKGH01000001-2)', pkg: 'ragout-examples', path: `${RAG}/V.Cholerae/references/H1.fasta.gz` },
    { name: 'Vch-O1-Inaba', description: 'Vibrio cholerae O1 Inaba G4222, chromosomes 1 and 2 (CM001785 …)', pkg: 'ragout-examples', path: `${RAG}/V.Cholerae/references/O1_Inaba.fasta.gz` },
    { name: 'Vch-O1-N16961', description: 'Vibrio cholerae O1 biovar El Tor N16961, chromosomes 1 and 2 (AE003852 …)', pkg: 'ragout-examples', path: `${RAG}/V.Cholerae/references/O1_biovar.fasta.gz` },
    { name: 'Vch-O395', description: 'Vibrio cholerae O395, chromosomes I and II (CP001235 …)', pkg: 'ragout-examples', path: `${RAG}/V.Cholerae/references/O395.fasta.gz` },
    { name: 'Mtb-H37Rv', description: 'Mycobacterium tuberculosis H37Rv, complete genome (NC_000962.3)', pkg: 'kmer-examples', path: 'usr/share/doc/kmer-examples/test_data/GCF_000195955.2_ASM19595v2_genomic.fna' },
    { name: 'Mle-TN', description: 'Mycobacterium leprae TN chromosome (NC_002677.1)', pkg: 'kmer-examples', path: 'usr/share/doc/kmer-examples/test_data/GCF_000195855.1_ASM19585v1_genomic.fna' },
    { name: 'Uma', description: 'Ustilago maydis (fungus), 23 chromosomes + unplaced contigs (Umaydis.fasta)', pkg: 'maffilter-examples', path: 'usr/share/doc/maffilter/examples/Umaydis/Umaydis.fasta.gz' },
  ],
  decoy: { name: 'Ssu-SC84', description: 'Streptococcus suis SC84 chromosome (file SS_SC84.dna, header "all_bases")', pkg: 'abacas-examples', path: 'usr/share/doc/abacas-examples/SS_SC84.dna.gz' },
};

/** The repository's own small genomes (data/, see data/PROVENANCE.md): a smoke workload that needs no apt. */
export const REPO_CATALOGUE: Catalogue = {
  genomes: [
    { name: 'Lambda', description: 'Enterobacteria phage lambda (NC_001416.1)', pkg: 'repo', path: 'data/lambda_virus.fa.gz' },
    { name: 'DWV', description: 'Deformed wing virus (NC_004830.2)', pkg: 'repo', path: 'data/dwv.fasta.gz' },
    { name: 'VDV1', description: 'Varroa destructor virus 1 (NC_006494.1)', pkg: 'repo', path: 'data/vdv1.fasta.gz' },
  ],
  decoy: { name: 'VDV1-DWV5', description: 'DWV isolate VDV-1-DWV-No-5 (HM067437.1), a recombinant of the two above', pkg: 'repo', path: 'data/vdv1dwv5.fasta.gz' },
};

/** Loads one catalogue entry from below `root`, applying its record filter. */
export async function loadGenome(root: string, spec: GenomeSpec): Promise<Genome> {
  const all = await readFastaFile(join(root, spec.path));
  const filter = spec.records;
  const records = filter === undefined ? all : all.filter((r) => filter.some((f) => r.header.includes(f)));
  if (records.length === 0) throw new Error(`no records selected from ${spec.path} for ${spec.name}`);
  return { name: spec.name, description: spec.description, records };
}

export async function loadCatalogue(root: string, cat: Catalogue): Promise<{ genomes: Genome[]; decoy: Genome }> {
  const genomes: Genome[] = [];
  for (const spec of cat.genomes) genomes.push(await loadGenome(root, spec));
  return { genomes, decoy: await loadGenome(root, cat.decoy) };
}

// ---------------------------------------------------------------------------------------------------------
// References

export interface Fragment {
  /** `ref_<genome>_<offset>`, offset into genomeSequence(genome) (0-based). */
  name: string;
  genome: string;
  offset: number;
  seq: string;
}

export interface WorkloadOptions {
  refMin: number;
  refMax: number;
  queryMin: number;
  queryMax: number;
  /** Per-read substitution rate is drawn uniformly from [subMin, subMax]. */
  subMin: number;
  subMax: number;
  /** Per-position probability of an indel event (1–3 bp, insertion or deletion with equal odds). */
  indelRate: number;
  indelMaxLen: number;
  /** Per-position probability of replacing the true base by N or a 2-way IUPAC code containing it. */
  iupacRate: number;
  /** Share of N among the IUPAC replacements; the rest are the three 2-way codes that contain the base. */
  iupacNShare: number;
  /** Share of queries drawn from the decoy genome. */
  decoyFraction: number;
}

export const DEFAULT_OPTIONS: WorkloadOptions = {
  refMin: 500,
  refMax: 2000,
  queryMin: 150,
  queryMax: 300,
  subMin: 0.01,
  subMax: 0.03,
  indelRate: 0.005,
  indelMaxLen: 3,
  iupacRate: 0.005,
  iupacNShare: 0.4,
  decoyFraction: 0.05,
};

/**
 * Cuts a genome into consecutive fragments of random length in [min, max] within its runs of plain A/C/G/T
 * (anything else, such as N gaps, splits a run; fragments never contain it, so references load as DNA2).
 * A run's tail shorter than the drawn length is kept when it is at least `min` long.
 * The cut points depend only on (seed, genome name), not on the other genomes.
 */
export function cutGenome(genome: Genome, seed: number, min: number, max: number): Fragment[] {
  const rng = mulberry32(deriveSeed(seed, `cut:${genome.name}`));
  const out: Fragment[] = [];
  let base = 0;
  for (const rec of genome.records) {
    const runRe = /[ACGT]+/g;
    for (let m = runRe.exec(rec.seq); m !== null; m = runRe.exec(rec.seq)) {
      const end = m.index + m[0].length;
      let pos = m.index;
      while (end - pos >= min) {
        const len = Math.min(randInt(rng, min, max), end - pos);
        if (len < min) break;
        out.push({ name: `ref_${genome.name}_${base + pos}`, genome: genome.name, offset: base + pos, seq: rec.seq.slice(pos, pos + len) });
        pos += len;
      }
    }
    base += rec.seq.length;
  }
  return out;
}

/** All fragments of all genomes, in catalogue order. */
export function buildPool(genomes: readonly Genome[], seed: number, opts: WorkloadOptions = DEFAULT_OPTIONS): Fragment[] {
  const pool: Fragment[] = [];
  for (const g of genomes) for (const f of cutGenome(g, seed, opts.refMin, opts.refMax)) pool.push(f);
  return pool;
}

/**
 * Picks references totalling at least `targetBases` (or the whole pool when it is smaller): the prefix of one
 * seeded shuffle of the pool, returned in pool (genome) order. Prefixes nest, so a smaller size is always a
 * subset of a larger one with the same seed.
 */
export function selectReferences(pool: readonly Fragment[], targetBases: number, seed: number): Fragment[] {
  const rng = mulberry32(deriveSeed(seed, 'select'));
  const order = Array.from(pool.keys());
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const chosen: number[] = [];
  let total = 0;
  for (const idx of order) {
    if (total >= targetBases) break;
    chosen.push(idx);
    total += pool[idx]!.seq.length;
  }
  chosen.sort((a, b) => a - b);
  return chosen.map((i) => pool[i]!);
}

// ---------------------------------------------------------------------------------------------------------
// Reads

const OTHER_BASES: Record<string, readonly string[]> = { A: ['C', 'G', 'T'], C: ['A', 'G', 'T'], G: ['A', 'C', 'T'], T: ['A', 'C', 'G'] };
/** The 2-way IUPAC codes that contain each base. */
export const TWO_WAY_CODES: Record<string, readonly string[]> = { A: ['R', 'W', 'M'], C: ['Y', 'S', 'M'], G: ['R', 'S', 'K'], T: ['Y', 'W', 'K'] };
/** Bases each IUPAC code stands for (ACGT included), as used by the checks. */
export const IUPAC_BASES: Record<string, string> = {
  A: 'A', C: 'C', G: 'G', T: 'T', R: 'AG', Y: 'CT', S: 'CG', W: 'AT', K: 'GT', M: 'AC', B: 'CGT', D: 'AGT', H: 'ACT', V: 'ACG', N: 'ACGT',
};
const ACGT = ['A', 'C', 'G', 'T'] as const;

export interface MutatedRead {
  seq: string;
  subs: number;
  /** Inserted plus deleted bases. */
  indels: number;
  iupac: number;
}

/**
 * Reads `length` bases starting at `src[offset]` while introducing edits. Returns undefined when the source
 * runs out before the read is complete (too many deletions near the end); the caller draws again.
 */
export function mutateRead(rng: Rng, src: string, offset: number, length: number, subRate: number, opts: WorkloadOptions): MutatedRead | undefined {
  const out: string[] = [];
  let pos = offset;
  let subs = 0;
  let indels = 0;
  let iupac = 0;
  while (out.length < length) {
    if (rng() < opts.indelRate) {
      const len = randInt(rng, 1, opts.indelMaxLen);
      if (rng() < 0.5) {
        const n = Math.min(len, length - out.length);
        for (let i = 0; i < n; i++) out.push(ACGT[randInt(rng, 0, 3)]!);
        indels += n;
      } else {
        pos += len;
        indels += len;
      }
      continue;
    }
    const b = src[pos++];
    if (b === undefined) return undefined;
    if (rng() < subRate) {
      out.push(OTHER_BASES[b]![randInt(rng, 0, 2)]!);
      subs++;
    } else if (rng() < opts.iupacRate) {
      out.push(rng() < opts.iupacNShare ? 'N' : TWO_WAY_CODES[b]![randInt(rng, 0, 2)]!);
      iupac++;
    } else {
      out.push(b);
    }
  }
  return { seq: out.join(''), subs, indels, iupac };
}

export interface Query {
  name: string;
  seq: string;
}

export interface TruthRow {
  query: string;
  /** True reference name, or '-' for a decoy. */
  ref: string;
  /** Offset of the read's first source base in the reference (decoys: in the decoy genome's sequence). */
  offset: number;
  length: number;
  /** Genome the read comes from (the decoy genome for decoys). */
  genome: string;
  subs: number;
  indels: number;
  iupac: number;
}

/** Picks an index with probability proportional to its length, using cumulative ends. */
function pickWeighted(rng: Rng, cumEnds: Float64Array): number {
  const total = cumEnds[cumEnds.length - 1] ?? 0;
  const x = rng() * total;
  let lo = 0;
  let hi = cumEnds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumEnds[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cumulative(frags: readonly Fragment[]): Float64Array {
  const c = new Float64Array(frags.length);
  let t = 0;
  frags.forEach((f, i) => {
    t += f.seq.length;
    c[i] = t;
  });
  return c;
}

/** Room left after the read's source window so that net deletions rarely run off the end. */
const DELETION_SLACK = 16;

/**
 * Samples `n` query reads: a seeded share are decoys from `decoyFrags`, the rest come from `refs` (chosen with
 * probability proportional to reference length, i.e. uniformly over bases). Forward strand only.
 */
export function sampleQueries(
  refs: readonly Fragment[],
  decoyFrags: readonly Fragment[],
  n: number,
  seed: number,
  label: string,
  opts: WorkloadOptions = DEFAULT_OPTIONS,
): { queries: Query[]; truth: TruthRow[] } {
  if (refs.length === 0) throw new Error('no references to sample from');
  const rng = mulberry32(deriveSeed(seed, `queries:${label}`));
  const nDecoy = decoyFrags.length === 0 ? 0 : Math.round(n * opts.decoyFraction);
  const isDecoy: boolean[] = Array.from({ length: n }, (_, i) => i < nDecoy);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = isDecoy[i]!;
    isDecoy[i] = isDecoy[j]!;
    isDecoy[j] = t;
  }
  const refCum = cumulative(refs);
  const decoyCum = cumulative(decoyFrags);
  const width = Math.max(5, String(n).length);
  const queries: Query[] = [];
  const truth: TruthRow[] = [];
  for (let i = 0; i < n; i++) {
    const decoy = isDecoy[i]!;
    const frags = decoy ? decoyFrags : refs;
    const cum = decoy ? decoyCum : refCum;
    for (;;) {
      const frag = frags[pickWeighted(rng, cum)]!;
      const length = randInt(rng, opts.queryMin, opts.queryMax);
      const room = frag.seq.length - length - DELETION_SLACK;
      if (room < 0) continue;
      const offset = randInt(rng, 0, room);
      const subRate = opts.subMin + rng() * (opts.subMax - opts.subMin);
      const read = mutateRead(rng, frag.seq, offset, length, subRate, opts);
      if (read === undefined) continue;
      const name = `q${String(i + 1).padStart(width, '0')}`;
      queries.push({ name, seq: read.seq });
      truth.push({
        query: name,
        ref: decoy ? '-' : frag.name,
        offset: decoy ? frag.offset + offset : offset,
        length,
        genome: frag.genome,
        subs: read.subs,
        indels: read.indels,
        iupac: read.iupac,
      });
      break;
    }
  }
  return { queries, truth };
}

// ---------------------------------------------------------------------------------------------------------
// A whole workload

export interface GenomeStats {
  name: string;
  description: string;
  bases: number;
  poolRefs: number;
  poolBases: number;
  refs: number;
  refBases: number;
}

export interface Workload {
  label: string;
  seed: number;
  targetBases: number;
  /** True when the pool was smaller than the target and every fragment was taken. */
  wholePool: boolean;
  refs: Fragment[];
  queries: Query[];
  truth: TruthRow[];
  genomes: GenomeStats[];
  decoy: { name: string; description: string; bases: number; queries: number };
  options: WorkloadOptions;
}

/** Builds the pool once; reuse it for several sizes with makeWorkload. */
export function preparePool(genomes: readonly Genome[], decoy: Genome, seed: number, opts: WorkloadOptions = DEFAULT_OPTIONS): { pool: Fragment[]; decoyFrags: Fragment[] } {
  const names = new Set(genomes.map((g) => g.name));
  if (names.size !== genomes.length) throw new Error('duplicate genome names');
  if (names.has(decoy.name)) throw new Error(`decoy genome ${decoy.name} is also a reference genome`);
  for (const n of [...names, decoy.name]) if (n.includes('_')) throw new Error(`genome name ${n} must not contain '_'`);
  return { pool: buildPool(genomes, seed, opts), decoyFrags: cutGenome(decoy, seed, opts.refMin, opts.refMax) };
}

export function makeWorkload(
  genomes: readonly Genome[],
  decoy: Genome,
  prepared: { pool: Fragment[]; decoyFrags: Fragment[] },
  p: { label: string; targetBases: number; seed: number; queries: number; options?: WorkloadOptions },
): Workload {
  const opts = p.options ?? DEFAULT_OPTIONS;
  const refs = selectReferences(prepared.pool, p.targetBases, p.seed);
  const { queries, truth } = sampleQueries(refs, prepared.decoyFrags, p.queries, p.seed, p.label, opts);
  const stats = genomes.map((g): GenomeStats => ({ name: g.name, description: g.description, bases: genomeLength(g), poolRefs: 0, poolBases: 0, refs: 0, refBases: 0 }));
  const byName = new Map(stats.map((s) => [s.name, s]));
  for (const f of prepared.pool) {
    const s = byName.get(f.genome)!;
    s.poolRefs++;
    s.poolBases += f.seq.length;
  }
  for (const f of refs) {
    const s = byName.get(f.genome)!;
    s.refs++;
    s.refBases += f.seq.length;
  }
  const poolBases = prepared.pool.reduce((t, f) => t + f.seq.length, 0);
  return {
    label: p.label,
    seed: p.seed,
    targetBases: p.targetBases,
    wholePool: poolBases < p.targetBases,
    refs,
    queries,
    truth,
    genomes: stats,
    decoy: { name: decoy.name, description: decoy.description, bases: genomeLength(decoy), queries: truth.filter((t) => t.ref === '-').length },
    options: opts,
  };
}

/** Convenience for callers with one size: pool + selection + queries. */
export function generateWorkload(
  genomes: readonly Genome[],
  decoy: Genome,
  p: { label: string; targetBases: number; seed: number; queries: number; options?: WorkloadOptions },
): Workload {
  return makeWorkload(genomes, decoy, preparePool(genomes, decoy, p.seed, p.options ?? DEFAULT_OPTIONS), p);
}

// ---------------------------------------------------------------------------------------------------------
// Output

/** FASTA text, one record per yielded chunk; `width` 0 writes each sequence on one line. */
export function* fastaChunks(records: Iterable<{ name: string; seq: string }>, width: number): Generator<string> {
  for (const r of records) {
    if (width <= 0 || r.seq.length <= width) {
      yield `>${r.name}\n${r.seq}\n`;
      continue;
    }
    const lines: string[] = [`>${r.name}`];
    for (let i = 0; i < r.seq.length; i += width) lines.push(r.seq.slice(i, i + width));
    yield `${lines.join('\n')}\n`;
  }
}

export const REFS_LINE_WIDTH = 80;
export const TRUTH_HEADER = 'query\tref\toffset\tlength\tgenome\tsubs\tindels\tiupac';

export function truthTsv(rows: readonly TruthRow[]): string {
  const lines = [TRUTH_HEADER];
  for (const r of rows) lines.push(`${r.query}\t${r.ref}\t${r.offset}\t${r.length}\t${r.genome}\t${r.subs}\t${r.indels}\t${r.iupac}`);
  return `${lines.join('\n')}\n`;
}

export interface Summary {
  label: string;
  seed: number;
  targetBases: number;
  wholePool: boolean;
  refs: number;
  refBases: number;
  refLength: { min: number; max: number };
  queries: number;
  decoyQueries: number;
  queryLength: { min: number; max: number };
  options: WorkloadOptions;
  genomes: GenomeStats[];
  decoy: Workload['decoy'];
  files: string[];
}

export function summarize(w: Workload): Summary {
  let refBases = 0;
  let rmin = Infinity;
  let rmax = 0;
  for (const f of w.refs) {
    refBases += f.seq.length;
    rmin = Math.min(rmin, f.seq.length);
    rmax = Math.max(rmax, f.seq.length);
  }
  let qmin = Infinity;
  let qmax = 0;
  for (const q of w.queries) {
    qmin = Math.min(qmin, q.seq.length);
    qmax = Math.max(qmax, q.seq.length);
  }
  return {
    label: w.label,
    seed: w.seed,
    targetBases: w.targetBases,
    wholePool: w.wholePool,
    refs: w.refs.length,
    refBases,
    refLength: { min: rmin, max: rmax },
    queries: w.queries.length,
    decoyQueries: w.decoy.queries,
    queryLength: { min: qmin, max: qmax },
    options: w.options,
    genomes: w.genomes,
    decoy: w.decoy,
    files: ['refs.fa', 'queries.fa', 'truth.tsv', 'summary.json'],
  };
}

async function writeChunks(path: string, chunks: Iterable<string>): Promise<void> {
  const ws = createWriteStream(path);
  let buf: string[] = [];
  let size = 0;
  for (const c of chunks) {
    buf.push(c);
    size += c.length;
    if (size >= 1 << 20) {
      if (!ws.write(buf.join(''))) await once(ws, 'drain');
      buf = [];
      size = 0;
    }
  }
  if (buf.length > 0) ws.write(buf.join(''));
  ws.end();
  await once(ws, 'finish');
}

/** Writes refs.fa, queries.fa, truth.tsv and summary.json into `dir` (created if needed). */
export async function writeWorkload(w: Workload, dir: string): Promise<Summary> {
  await mkdir(dir, { recursive: true });
  await writeChunks(join(dir, 'refs.fa'), fastaChunks(w.refs, REFS_LINE_WIDTH));
  await writeChunks(join(dir, 'queries.fa'), fastaChunks(w.queries, 0));
  await writeFile(join(dir, 'truth.tsv'), truthTsv(w.truth));
  const summary = summarize(w);
  await writeFile(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** Parses '1M', '20M', '100M', '50k' or a plain number of bases. */
export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmMgG]?)$/.exec(s.trim());
  if (m === null) throw new Error(`bad size '${s}' (expected e.g. 1M, 20M, 100M, 50k)`);
  const unit = (m[2] ?? '').toLowerCase();
  const mult = unit === 'k' ? 1e3 : unit === 'm' ? 1e6 : unit === 'g' ? 1e9 : 1;
  return Math.round(Number(m[1]) * mult);
}
