/**
 * A request's `waitUntil` that the route also awaits before it answers. Background work (fills,
 * promotions into L1, stamp writes waiting out KV's one write per key per second) needs
 * `ctx.waitUntil` on Workers: without it, a stamp write queued behind the previous one sleeps on a
 * timer that never fires once the response is sent, so that invalidation never reaches KV. The
 * demo waits for it too, so every click shows a settled state (the next read of a filled entry is a hit).
 */
export function settlingWaitUntil(ctx: ExecutionContext) {
  const pending = new Set<Promise<unknown>>()
  return {
    waitUntil(promise: Promise<unknown>): void {
      ctx.waitUntil(promise)
      pending.add(promise)
    },
    /** Resolves once everything handed to `waitUntil` has settled, including work that work started. */
    async settled(): Promise<void> {
      while (pending.size > 0) {
        const batch = [...pending]
        pending.clear()
        await Promise.allSettled(batch)
      }
    },
  }
}
