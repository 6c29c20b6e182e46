import type { BumpContext, Stamp } from '@kvcache/core'
import { kvCacheError } from '@kvcache/core/storage'
import { assertAllScopes, chunked, keyOf, where, type ClientState } from './client-state'
import { planCalls, type ShardCall } from './shards'

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Bumps scopes: one call per object they live in, in parallel, all proposing one stamp. Resolves
 * once every first attempt settled; a call that failed is retried in the background and this
 * isolate reads its own write meanwhile. Never throws for a failed call (the write already
 * happened); only malformed scopes throw.
 */
export async function bumpScopes(client: ClientState, scopes: readonly string[], context: BumpContext | undefined): Promise<Stamp> {
  assertAllScopes(scopes)
  const { caller, clock, local } = client
  const proposal = clock.next()
  const calls = chunked(planCalls(client.settings.layout, scopes, 'bump'))
  const landed = await Promise.all(
    calls.map((call) => {
      reportBump(context, call)
      return caller.bump(call, proposal).catch((error: unknown) => {
        retryLater(client, call, proposal, context, error)
        return undefined
      })
    }),
  )
  // Shards of one write agree on the proposal unless one held a newer stamp. The lowest stamp is
  // returned: the core skips fills it thinks a bump overtook, and a stamp above a scope's real
  // one would make it skip that scope's fills for good.
  let lowest = proposal
  calls.forEach((call, i) => {
    const stamp = landed[i] ?? proposal
    for (const scope of call.scopes) {
      const key = keyOf(call, scope)
      // Until the retry lands, this isolate reads its own write from the pending record. Never
      // learned as held: the object does not hold it, and the next answer would drop the record.
      if (landed[i] === undefined) local.pendingBump(key, proposal)
      else {
        local.learn(key, stamp, context?.memo)
        // Also held as this isolate's own bump until an answer carries it (a healthy object's next
        // one does): an object that acknowledged the bump but answers from before it (a lost
        // write, a stale read: the chaos suite's faults) cannot hide this isolate's write from it.
        local.pendingBump(key, stamp)
      }
    }
    clock.observe(stamp)
    if (i === 0 || stamp < lowest) lowest = stamp
  })
  return lowest
}

/** One call to one object, for a request that meters its storage calls (`operation` events). */
function reportBump(context: BumpContext | undefined, call: ShardCall): void {
  context?.onOperation?.({ type: 'operation', storage: 'coordinator', kind: 'write', keys: call.scopes.length })
}

/** Retries one call of a bump in the background, with the same proposal, until it lands or runs out. */
function retryLater(client: ClientState, call: ShardCall, proposal: Stamp, context: BumpContext | undefined, firstError: unknown): void {
  const { settings, caller, clock, local, retries } = client
  const work = (async () => {
    let lastError = firstError
    for (let attempt = 0; attempt < settings.maxRetries; attempt++) {
      await sleep(settings.retryBaseMs * 2 ** attempt)
      try {
        reportBump(context, call)
        const stamp = await caller.bump(call, proposal)
        clock.observe(stamp)
        for (const scope of call.scopes) local.learn(keyOf(call, scope), stamp, undefined)
        return
      } catch (error) {
        lastError = error
      }
    }
    const count = call.scopes.length
    context?.onError?.(
      kvCacheError('STORAGE_FAILED', where, `Gave up bumping ${count} scope(s) on coordinator ${call.name} after ${settings.maxRetries} retries.`, lastError),
    )
  })()
  retries.add(work)
  void work.finally(() => retries.delete(work))
  context?.waitUntil?.(work)
}
