import type { VersionStore } from '@kvcache/core'
import { createStampClock, kvCacheError } from '@kvcache/core/storage'
import { bumpScopes } from './bump'
import { where, type ClientState } from './client-state'
import { createLocalStamps } from './local-stamps'
import { settingsOf, type DurableObjectVersionsOptions } from './options'
import { readStamps } from './read'
import { createShardCaller, type CoordinatorNamespaceLike } from './shard-caller'
import type { ShardLayout } from './shards'

/** The version store `durableObjectVersions` returns: a `VersionStore` plus what it promises. */
export interface CoordinatorVersions extends VersionStore {
  /**
   * `strong`: a read after a bump returned, anywhere, sees it. `eventual` when a trust window is
   * set: reads may miss writes made elsewhere within the last `trustSeconds`.
   */
  readonly consistency: 'strong' | 'eventual'
  readonly layout: ShardLayout
}

function assertNamespace(namespace: unknown): asserts namespace is CoordinatorNamespaceLike {
  const candidate = namespace as Partial<CoordinatorNamespaceLike> | null | undefined
  if (!candidate || typeof candidate.idFromName !== 'function' || typeof candidate.get !== 'function') {
    throw kvCacheError(
      'MISSING_BINDING',
      where,
      'Missing required Durable Object namespace (pass `env.KVCACHE_COORDINATOR`, bound to class `KvCacheCoordinator` in wrangler.jsonc).',
    )
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
  const client: ClientState = {
    settings,
    caller: createShardCaller(namespace, settings),
    local: createLocalStamps(settings),
    clock: createStampClock(settings.now),
    retries: new Set(),
  }
  const trusting = settings.trustMs > 0
  return {
    name: trusting ? `coordinator+trust${settings.trustMs / 1000}s` : 'coordinator',
    // A trust window means reads may miss writes made elsewhere in the last `trustSeconds`.
    consistency: trusting ? 'eventual' : 'strong',
    layout: settings.layout,
    read: (scopes, context) => readStamps(client, scopes, context),
    bump: (scopes, context) => bumpScopes(client, scopes, context),
    async settle() {
      while (client.retries.size > 0) await Promise.allSettled([...client.retries])
    },
  }
}
