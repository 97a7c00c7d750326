// Progress text for long jobs.

/** "37% · about 12 s left", once enough is done for the estimate to mean something. */
export function progressLabel(fraction: number, elapsedMs: number): string {
  const pct = `${Math.floor(fraction * 100)}%`;
  if (fraction < 0.02 || fraction >= 1) return pct;
  const left = (elapsedMs * (1 - fraction)) / fraction / 1000;
  const eta = left < 60 ? `${Math.max(1, Math.round(left))} s` : `${Math.round(left / 60)} min`;
  return `${pct} · about ${eta} left`;
}
