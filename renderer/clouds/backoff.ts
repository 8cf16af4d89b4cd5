/**
 * A fetch that stops calling a server it cannot reach: after a network failure, calls fail at
 * once for a pause that doubles (1 s up to 30 s) until a call gets through. potree-core asks for
 * octree nodes every frame; without this a stopped server took hundreds of requests a second.
 */
export function withBackoff<F extends (...args: never[]) => Promise<unknown>>(call: F, now: () => number = Date.now): F {
  let pauseMs = 0;
  let until = 0;
  return (async (...args: Parameters<F>) => {
    if (now() < until) throw new TypeError(`server unreachable: not asked again for ${Math.ceil((until - now()) / 1000)} s`);
    try {
      const result = await call(...args);
      pauseMs = 0;
      return result;
    } catch (e) {
      // Only a failed connection pauses: an HTTP error is an answer.
      if (e instanceof TypeError) {
        pauseMs = Math.min(30_000, pauseMs ? 2 * pauseMs : 1000);
        until = now() + pauseMs;
      }
      throw e;
    }
  }) as F;
}
