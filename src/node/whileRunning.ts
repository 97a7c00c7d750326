// Cancellation by polling, for loops that learn of a stop through a flag (Ctrl-C in the CLI, the
// Stop button of a sweep in the extension host) while a worker job runs.

/** Polls `isCancelled` while `job` runs and forwards a cancel to the worker. */
export async function whileRunning<T>(
  isCancelled: (() => boolean) | undefined,
  cancel: () => void,
  job: Promise<T>,
): Promise<T> {
  if (isCancelled === undefined) return job;
  const timer = setInterval(() => {
    if (isCancelled()) cancel();
  }, 100);
  try {
    return await job;
  } finally {
    clearInterval(timer);
  }
}
