/**
 * src/formats — the file formats data enters and leaves by. It owns: opening input files (plain, gzip and
 * multi-member gzip/bgzip, found by magic bytes) with byte-level progress; the streaming FASTA/FASTQ reader,
 * which validates as it goes and hands on records in batches at constant memory; the FASTA/FASTQ writers; and
 * PostgreSQL's COPY text and CSV formats (options, encoding, streaming decoding), with PostgreSQL's messages and
 * SQLSTATEs. It knows nothing of tables or DNA packing: records and rows leave here as strings, and the COPY
 * executor (src/sql) decides what to do with them. It imports only src/errors.ts.
 */
export {
  CopyInputError,
  CopySqlState,
  type InputFormatName,
} from './format-errors.js';
export {
  InputBytes,
  openInputFile,
  streamInput,
  type Compression,
  type InputOptions,
  type InputProgress,
  type StreamInputOptions,
} from './input-file.js';
export {
  SequenceParser,
  iupacNucleotideLetters,
  type SequenceFormat,
  type SequenceParserOptions,
  type SequenceRecord,
} from './sequence-parser.js';
export {
  SequenceReader,
  defaultBatchBases,
  defaultBatchRecords,
  openSequenceFile,
  readSequenceStream,
  type SequenceReadOptions,
  type SequenceReadProgress,
  type SequenceStreamReadOptions,
} from './sequence-reader.js';
export {
  SequenceWriter,
  createSequenceWriter,
  defaultFastaLineWidth,
  formatFastaRecord,
  formatFastqRecord,
  writeSequenceFile,
  type LineEnding,
  type SequenceFormatOptions,
  type SequenceRecordInput,
  type SequenceWriterOptions,
} from './sequence-writer.js';
export {
  resolveCopyOptions,
  type CopyDataFormat,
  type CopyDirection,
  type CopyFormatOptions,
  type CopyOptions,
} from './copy-options.js';
export {
  encodeCopyCsvValue,
  encodeCopyHeader,
  encodeCopyRow,
  encodeCopyTextValue,
  type CopyRowValues,
} from './copy-encode.js';
export { CopyParser, checkCopyFieldCount, verifyUtf8, type CopyParserOptions, type CopyRow } from './copy-decode.js';
export { encodeCopyRows, readCopyRows, writeCopyFile } from './copy-stream.js';
