// A one-line progress bar with an ETA on stderr, only when stderr is a terminal.

import { escapeControl } from './output';

export interface Progress {
  update(fraction: number, label?: string): void;
  done(): void;
}

export function progressBar(title: string): Progress {
  const stream = process.stderr;
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  const start = Date.now();
  let last = 0;
  return {
    update(fraction, label) {
      const now = Date.now();
      if (now - last < 100 && fraction < 1) return;
      last = now;
      const width = 24;
      const filled = Math.round(Math.min(1, fraction) * width);
      const elapsed = (now - start) / 1000;
      const eta =
        fraction > 0.02 && fraction < 1 ? ` · ${Math.ceil((elapsed * (1 - fraction)) / fraction)} s left` : '';
      // The title and label can hold a file's tensor name: escaped, only the bar's own codes are raw.
      stream.write(
        `\r${escapeControl(title)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(fraction * 100)}%${eta}${label ? ` · ${escapeControl(label)}` : ''}\x1b[K`,
      );
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
