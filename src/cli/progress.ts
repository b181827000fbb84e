/**
 * Progress of a long subcommand step (reading a file) on stderr: on a terminal, one bar redrawn in place with
 * rate and ETA; elsewhere (a log file, CI), a plain line at every tenth of the way, so that logs stay short and
 * readable; or nothing at all (`--quiet`). Progress never goes to stdout, which carries the command's data.
 */

export type ProgressMode = 'bar' | 'lines' | 'quiet';

export interface ProgressOptions {
  readonly stream: NodeJS.WritableStream;
  readonly mode: ProgressMode;
  /** What is being done, e.g. the file name. */
  readonly label: string;
  /** How amounts print: `bytes` as kB/MB/GB, `items` as plain counts with `unit` after them. */
  readonly unit: 'bytes' | 'items';
  /** The word after item counts, e.g. `queries`. */
  readonly itemName?: string;
  /** The clock, in milliseconds (tests pass a fake one). */
  readonly now?: () => number;
  /** Terminal width for the bar (default 80). */
  readonly columns?: number;
}

/** Redraws of the bar at most this often: more would cost more than the work reported. */
const redrawIntervalMilliseconds = 100;
const barWidth = 24;

/** 1 kB = 1000 bytes, as transfer rates are usually given. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit] as string}`;
}

/** Seconds as m:ss or h:mm:ss. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = String(whole % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

export class ProgressDisplay {
  private readonly now: () => number;
  private readonly startedAt: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastTenth = -1;
  private drawn = false;
  private done = 0;
  private total: number | undefined;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
  }

  /** Seconds since the display was created. */
  get elapsedSeconds(): number {
    return (this.now() - this.startedAt) / 1000;
  }

  update(done: number, total?: number): void {
    this.done = done;
    if (total !== undefined) this.total = total;
    if (this.options.mode === 'bar') {
      const time = this.now();
      if (time - this.lastDraw < redrawIntervalMilliseconds && done !== this.total) return;
      this.lastDraw = time;
      this.drawBar();
    } else if (this.options.mode === 'lines' && this.total !== undefined && this.total > 0) {
      const tenth = Math.floor((done / this.total) * 10);
      // The first and the last line come from the caller's start and finish messages.
      if (tenth > this.lastTenth && tenth > 0 && tenth < 10) this.options.stream.write(`${this.describe()}\n`);
      this.lastTenth = Math.max(this.lastTenth, tenth);
    }
  }

  /** Clears the bar (on a terminal) and prints the closing line, unless quiet. */
  finish(message: string): void {
    this.clear();
    if (this.options.mode !== 'quiet') this.options.stream.write(`${message}\n`);
  }

  /** Removes the bar so that another message can be printed (e.g. an error). */
  clear(): void {
    if (this.drawn) this.options.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  private amount(value: number): string {
    return this.options.unit === 'bytes' ? formatBytes(value) : `${value} ${this.options.itemName ?? ''}`.trimEnd();
  }

  private rateAndEta(): string {
    const seconds = this.elapsedSeconds;
    if (seconds <= 0 || this.done === 0) return '';
    const rate = this.done / seconds;
    const rateText = this.options.unit === 'bytes' ? `${formatBytes(rate)}/s` : `${rate.toFixed(rate >= 100 ? 0 : 1)} ${this.options.itemName ?? ''}/s`;
    if (this.total === undefined || this.done >= this.total) return rateText;
    return `${rateText}, ETA ${formatDuration((this.total - this.done) / rate)}`;
  }

  /** `refs.fa: 40% (41.2 MB of 103.1 MB, 45.0 MB/s, ETA 0:01)` */
  private describe(): string {
    const rate = this.rateAndEta();
    if (this.total === undefined) return `${this.options.label}: ${this.amount(this.done)}${rate === '' ? '' : ` (${rate})`}`;
    const percent = this.total > 0 ? Math.floor((this.done / this.total) * 100) : 100;
    return `${this.options.label}: ${percent}% (${this.amount(this.done)} of ${this.amount(this.total)}${rate === '' ? '' : `, ${rate}`})`;
  }

  private drawBar(): void {
    const columns = this.options.columns ?? 80;
    let line: string;
    if (this.total !== undefined && this.total > 0) {
      const fraction = Math.min(1, this.done / this.total);
      const filled = Math.round(fraction * barWidth);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]`;
      const rate = this.rateAndEta();
      line = `${this.options.label} ${bar} ${String(Math.floor(fraction * 100)).padStart(3)}% ${this.amount(this.done)}/${this.amount(this.total)}${rate === '' ? '' : `  ${rate}`}`;
    } else {
      line = this.describe();
    }
    if (line.length > columns - 1) line = line.slice(0, columns - 1);
    this.options.stream.write(`\r\x1b[2K${line}`);
    this.drawn = true;
  }
}

/** The mode for a stream: a bar on a terminal, lines elsewhere, nothing when quiet. */
export function progressModeFor(stream: NodeJS.WritableStream, quiet: boolean): ProgressMode {
  if (quiet) return 'quiet';
  return (stream as { isTTY?: boolean }).isTTY === true ? 'bar' : 'lines';
}
