import type { BumpContext, ReadContext, Stamp, VersionStore } from '@kvcache/core'
import { createStampClock, kvCacheError } from '@kvcache/core/internal'
import { assertScopes, MAX_SCOPES_PER_CALL } from './limits'
import { createLocalStamps } from './local-stamps'
import { settingsOf, type DurableObjectVersionsOptions } from './options'
import { createShardCaller, type CoordinatorNamespaceLike } from './shard-caller'
import { planCalls, type ShardCall, type ShardLayout } from './shards'

const where = 'coordinator'

/** The version store `durableObjectVersions` returns: a `VersionStore` plus its shard layout. */
export interface CoordinatorVersions extends VersionStore {
  /**
   * `strong`: a read after a bump returned, anywhere, sees it. `eventual` when a trust window is
   * set: reads may miss writes made elsewhere within the last `trustSeconds`.
   */
  readonly consistency: 'strong' | 'eventual'
  readonly layout: ShardLayout
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
/** Memo, trust and pending keys: a stamp belongs to one object (see `createLocalStamps`). */
const keyOf = (call: ShardCall, scope: string) => `${call.name} ${scope}`

/** Splits calls that carry more scopes than one call may. */
function chunked(calls: readonly ShardCall[]): ShardCall[] {
  return calls.flatMap((call) => {
    if (call.scopes.length <= MAX_SCOPES_PER_CALL) return [call]
    const parts: ShardCall[] = []
    for (let i = 0; i < call.scopes.length; i += MAX_SCOPES_PER_CALL) parts.push({ ...call, scopes: call.scopes.slice(i, i + MAX_SCOPES_PER_CALL) })
    return parts
  })
}

function assertNamespace(namespace: unknown): asserts namespace is CoordinatorNamespaceLike {
  const candidate = namespace as Partial<CoordinatorNamespaceLike> | null | undefined
  if (!candidate || typeof candidate.idFromName !== 'function' || typeof candidate.get !== 'function') {
    throw kvCacheError('MISSING_BINDING', where, 'Missing required Durable Object namespace (pass `env.KVCACHE_COORDINATOR`, bound to class `KvCacheCoordinator` in wrangler.jsonc).')
  }
}

/**
 * Version stamps in `KvCacheCoordinator` Durable Objects: after `await write` returns, every other
 * request, anywhere, sees fresh data (linearizable per object). A lookup costs one call per object
 * it touches, usually one, made in parallel with the entry read; later lookups of the same
 * request reuse the stamps (`requestMemoSeconds`).
 *
 * Failure never fails a query: a read that errs or exceeds `timeoutMs` throws, so the core answers
 * from the database and never serves an entry whose stamps it could not check; a bump that fails
 * is retried in the background (`waitUntil`) and reported through `onError` if it runs out.
 *
 * @example
 * const cache = createCache({ storage: kvStorage(env.CACHE_KV), versions: durableObjectVersions(env.KVCACHE_COORDINATOR) })
 */
export function durableObjectVersions(namespace: CoordinatorNamespaceLike, options: DurableObjectVersionsOptions = {}): CoordinatorVersions {
  assertNamespace(namespace)
  const settings = settingsOf(where, options)
  const { layout } = settings
  const caller = createShardCaller(namespace, settings)
  const local = createLocalStamps(settings)
  // Mints proposals; observes every stamp seen, so a proposal usually outranks what objects hold.
  const clock = createStampClock(settings.now)
  const retries = new Set<Promise<void>>()

  const read = async (scopes: readonly string[], context?: ReadContext): Promise<Stamp[]> => {
    for (let i = 0; i < scopes.length; i += MAX_SCOPES_PER_CALL) assertScopes(where, scopes.slice(i, i + MAX_SCOPES_PER_CALL))
    const memo = context?.memo
    const answer = new Map<string, Stamp>()
    const asks: ShardCall[] = []
    for (const call of planCalls(layout, scopes, 'read')) {
      const missing: string[] = []
      for (const scope of call.scopes) {
        const known = local.known(keyOf(call, scope), memo)
        if (known === undefined) missing.push(scope)
        else answer.set(scope, known)
      }
      if (missing.length > 0) asks.push({ ...call, scopes: missing })
    }
    const calls = chunked(asks)
    const fetched = await Promise.all(calls.map((call) => caller.read(call)))
    calls.forEach((call, i) => {
      call.scopes.forEach((scope, j) => {
        const stamp = local.learn(keyOf(call, scope), fetched[i]?.[j] as Stamp, memo)
        clock.observe(stamp)
        answer.set(scope, stamp)
      })
    })
    return scopes.map((scope) => answer.get(scope) as Stamp)
  }

  /** Retries one call of a bump in the background until it lands or runs out of retries. */
  const retryLater = (call: ShardCall, proposal: Stamp, context: BumpContext | undefined, firstError: unknown) => {
    const work = (async () => {
      let lastError = firstError
      for (let attempt = 0; attempt < settings.maxRetries; attempt++) {
        await sleep(settings.retryBaseMs * 2 ** attempt)
        try {
          const stamp = await caller.bump(call, proposal)
          clock.observe(stamp)
          for (const scope of call.scopes) local.learn(keyOf(call, scope), stamp, undefined)
          return
        } catch (error) {
          lastError = error
        }
      }
      const count = call.scopes.length
      context?.onError?.(kvCacheError('STORAGE_FAILED', where, `Gave up bumping ${count} scope(s) on coordinator ${call.name} after ${settings.maxRetries} retries.`, lastError))
    })()
    retries.add(work)
    void work.finally(() => retries.delete(work))
    context?.waitUntil?.(work)
  }

  const bump = async (scopes: readonly string[], context?: BumpContext): Promise<Stamp> => {
    for (let i = 0; i < scopes.length; i += MAX_SCOPES_PER_CALL) assertScopes(where, scopes.slice(i, i + MAX_SCOPES_PER_CALL))
    const proposal = clock.next()
    const calls = chunked(planCalls(layout, scopes, 'bump'))
    const landed = await Promise.all(
      calls.map((call) =>
        caller.bump(call, proposal).catch((error: unknown) => {
          retryLater(call, proposal, context, error)
          return undefined
        }),
      ),
    )
    // Shards of one write agree on the proposal unless one held a newer stamp. The lowest stamp is
    // returned: the core skips fills it thinks a bump overtook, and a stamp above a scope's real
    // one would make it skip that scope's fills for good.
    let lowest = proposal
    calls.forEach((call, i) => {
      const stamp = landed[i] ?? proposal
      for (const scope of call.scopes) {
        const key = keyOf(call, scope)
        // Until the retry lands, this isolate reads its own write from here.
        if (landed[i] === undefined) local.pendingBump(key, proposal)
        local.learn(key, stamp, context?.memo)
      }
      clock.observe(stamp)
      if (i === 0 || stamp < lowest) lowest = stamp
    })
    return lowest
  }

  return {
    name: settings.trustMs > 0 ? `coordinator+trust${settings.trustMs / 1000}s` : 'coordinator',
    // A trust window means reads may miss writes made elsewhere in the last `trustSeconds`.
    consistency: settings.trustMs > 0 ? 'eventual' : 'strong',
    layout,
    read,
    bump,
    async settle() {
      while (retries.size > 0) await Promise.allSettled([...retries])
    },
  }
}
