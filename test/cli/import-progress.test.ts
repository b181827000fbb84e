/** The progress display of import/search/export: a bar with rate and ETA on a terminal, plain lines elsewhere. */
import { describe, expect, it } from 'vitest';
import { ProgressDisplay, formatBytes, formatDuration, progressModeFor } from '../../src/cli/progress.js';

function sink(isTTY: boolean): { stream: NodeJS.WritableStream; text: () => string } {
  const parts: string[] = [];
  const stream = { isTTY, write: (chunk: string) => parts.push(chunk) > 0 } as unknown as NodeJS.WritableStream;
  return { stream, text: () => parts.join('') };
}

describe('progress display', () => {
  it('draws a bar with percent, amounts, rate and ETA in place on a terminal', () => {
    const output = sink(true);
    let now = 0;
    const display = new ProgressDisplay({ stream: output.stream, mode: progressModeFor(output.stream, false), label: 'refs.fa', unit: 'bytes', now: () => now });
    now = 1000;
    display.update(25_000_000, 100_000_000);
    expect(output.text()).toBe('\r\x1b[2Krefs.fa [######..................]  25% 25.0 MB/100 MB  25.0 MB/s, ETA 0:03');
    now = 1050;
    display.update(30_000_000, 100_000_000); // within 100 ms of the last redraw: skipped
    now = 4000;
    display.update(100_000_000, 100_000_000);
    display.finish('refs.fa: 79869 records, 100 MB in 4.0 s, 25.0 MB/s');
    expect(output.text().split('\r\x1b[2K')).toEqual([
      '',
      'refs.fa [######..................]  25% 25.0 MB/100 MB  25.0 MB/s, ETA 0:03',
      'refs.fa [########################] 100% 100 MB/100 MB  25.0 MB/s',
      'refs.fa: 79869 records, 100 MB in 4.0 s, 25.0 MB/s\n',
    ]);
  });

  it('prints a line at each tenth off a terminal, and nothing when quiet', () => {
    const output = sink(false);
    let now = 0;
    const display = new ProgressDisplay({ stream: output.stream, mode: progressModeFor(output.stream, false), label: 'q.fa', unit: 'bytes', now: () => now });
    for (let done = 0; done <= 1000; done += 50) {
      now += 100;
      display.update(done, 1000);
    }
    const lines = output.text().trimEnd().split('\n');
    expect(lines).toHaveLength(9);
    expect(lines[0]).toBe('q.fa: 10% (100 B of 1.0 kB, 333 B/s, ETA 0:03)');
    const quiet = sink(true);
    const silent = new ProgressDisplay({ stream: quiet.stream, mode: progressModeFor(quiet.stream, true), label: 'x', unit: 'items' });
    silent.update(5, 10);
    silent.finish('done');
    expect(quiet.text()).toBe('');
  });

  it('formats sizes and durations', () => {
    expect([formatBytes(999), formatBytes(1000), formatBytes(123_456_789), formatBytes(4.2e12)]).toEqual(['999 B', '1.0 kB', '123 MB', '4.2 TB']);
    expect([formatDuration(0), formatDuration(61.4), formatDuration(3725)]).toEqual(['0:00', '1:01', '1:02:05']);
  });
});
