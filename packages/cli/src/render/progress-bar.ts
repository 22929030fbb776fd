import { formatBytes } from '@outpost/core';

export interface ProgressBar {
  update(done: number, total: number | undefined): void;
  finish(): void;
}

const WIDTH = 24;

/**
 * A download progress bar. On a terminal it redraws one line (at most every 100 ms); on a pipe
 * it prints a line at every tenth of the way, so logs show progress without flooding.
 */
export function createProgressBar(
  stream: NodeJS.WriteStream,
  options: { interactive: boolean; now?: () => number },
): ProgressBar {
  const now = options.now ?? (() => Date.now());
  const started = now();
  let startedAt: number | undefined;
  let firstDone = 0;
  let lastDraw = 0;
  let lastTenth = -1;
  let drawn = false;
  let latest = { done: 0, total: undefined as number | undefined };

  const line = (done: number, total: number | undefined): string => {
    const elapsed = (now() - (startedAt ?? started)) / 1000;
    const speed = elapsed > 0 ? (done - firstDone) / elapsed : 0;
    const rate = speed > 0 ? ` · ${formatBytes(speed)}/s` : '';
    if (total === undefined || total <= 0) return `${formatBytes(done)}${rate}`;
    const share = Math.min(1, done / total);
    const filled = Math.round(share * WIDTH);
    const eta = speed > 0 && done < total ? ` · ${formatEta((total - done) / speed)} left` : '';
    return `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${formatBytes(done)} / ${formatBytes(total)}${rate}${eta}`;
  };

  return {
    update(done, total) {
      if (startedAt === undefined) {
        startedAt = now();
        firstDone = done;
      }
      latest = { done, total };
      if (options.interactive) {
        if (now() - lastDraw < 100 && done !== total) return;
        lastDraw = now();
        stream.write(`\r\u001b[2K${line(done, total)}`);
        drawn = true;
        return;
      }
      const tenth = total ? Math.floor((done / total) * 10) : -1;
      if (tenth > lastTenth) {
        lastTenth = tenth;
        stream.write(`${line(done, total)}\n`);
      }
    },
    finish() {
      if (options.interactive && drawn) {
        stream.write(`\r\u001b[2K${line(latest.done, latest.total)}\n`);
      }
    },
  };
}

function formatEta(seconds: number): string {
  const whole = Math.ceil(seconds);
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  if (minutes >= 60) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return `${minutes}:${String(rest).padStart(2, '0')}`;
}
