/** Ctrl-C, and what service managers (systemd, Kubernetes) and a closed terminal send. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Cancels `controller` on any of SIGNALS, so a long job cleans up (temporary files, partial
 * output) however it is stopped; returns the function that stops listening.
 */
export function abortOnSignals(controller: AbortController): () => void {
  const abort = () => controller.abort();
  for (const s of SIGNALS) process.once(s, abort);
  return () => {
    for (const s of SIGNALS) process.off(s, abort);
  };
}
