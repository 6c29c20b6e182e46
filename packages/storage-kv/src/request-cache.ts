import { createCache, type Cache, type CacheContext, type CacheOptions } from '@kvcache/core'
import { assertKnownOptions, CACHE_OPTIONS, kvCacheError } from '@kvcache/core/storage'
import { kvStorage, type KvNamespaceLike, type KvStorageOptions } from './kv-storage'
import { firstDifference } from './same-options'

/** What `requestCache` needs of the request: a Worker's `ctx` (`ExecutionContext`) fits. */
export interface WaitUntilContext {
  waitUntil(promise: Promise<unknown>): void
}

/**
 * Options for `requestCache`: the isolate's cache (`createCache`'s options except `storage` and
 * `waitUntil`, and KV's `cacheTtlSeconds`), taken from the first call, and this request's view
 * (`tenant`, `bookmark`, `onEvent`), taken from every call.
 */
export interface RequestCacheOptions
  extends Omit<CacheOptions, 'storage' | 'waitUntil' | 'tenant' | 'onEvent'>,
    Omit<CacheContext, 'waitUntil'>,
    Pick<KvStorageOptions, 'cacheTtlSeconds'> {}

const WHERE = 'storage-kv'
/** Given by the arguments (`namespace`, `ctx`), never by options. */
const FROM_ARGUMENTS: readonly string[] = ['storage', 'waitUntil']
/** Options of the request's view (`withContext`): they may differ on every call. */
const PER_REQUEST: readonly string[] = ['tenant', 'bookmark', 'onEvent']

/** The isolate's cache for one KV namespace, and the options it was built from. */
interface IsolateCache {
  readonly cache: Cache
  readonly options: Readonly<Record<string, unknown>>
}

// Created on first use, so a Worker that imports only `kvStorage` carries no module state.
let caches: WeakMap<object, IsolateCache> | undefined
let names: readonly string[] | undefined

/** Every option name `requestCache` takes. */
export function requestCacheOptionNames(): readonly string[] {
  names ??= [...CACHE_OPTIONS.filter((name) => !FROM_ARGUMENTS.includes(name)), 'cacheTtlSeconds', 'bookmark']
  return names
}

/**
 * The cache for this request: one `Cache` per KV namespace per isolate (so concurrent requests
 * share de-duplication, stamp coalescing and the breaker), built from the first call's options,
 * seen through a view with this request's `waitUntil` (and `tenant`, `bookmark`, `onEvent`). A
 * later call whose cache options differ from the first call's fails fast naming the option:
 * silently keeping the first `defaultTtlSeconds` would be a bug. `versions` and `now` are taken
 * from the first call and not compared (a version store built per request is the same store).
 *
 * @example
 * const cache = requestCache(env.CACHE_KV, ctx, { defaultTtlSeconds: 300 })
 * const posts = await cache.wrap('posts:latest', () => loadLatestPosts(env.DB), { tables: ['posts'] })
 */
export function requestCache(namespace: KvNamespaceLike, ctx: WaitUntilContext, options: RequestCacheOptions = {}): Cache {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw kvCacheError('INVALID_OPTION', WHERE, `requestCache options must be an object, got ${options === null ? 'null' : typeof options}.`)
  }
  if (typeof ctx?.waitUntil !== 'function') {
    throw kvCacheError(
      'MISSING_BINDING',
      WHERE,
      "Missing required argument `ctx`: pass the request's ExecutionContext (its `waitUntil` keeps fills and stamp writes alive after the response).",
    )
  }
  assertKnownOptions(WHERE, options, requestCacheOptionNames())
  const isolate = isolateCache(namespace, options)
  const { tenant, bookmark, onEvent } = options
  return isolate.cache.withContext({
    waitUntil: (promise) => ctx.waitUntil(promise),
    ...(tenant === undefined ? {} : { tenant }),
    ...(bookmark === undefined ? {} : { bookmark }),
    ...(onEvent === undefined ? {} : { onEvent }),
  })
}

/** The namespace's cache in this isolate: found (and its options compared), or built. */
function isolateCache(namespace: KvNamespaceLike, options: RequestCacheOptions): IsolateCache {
  const ofIsolate = Object.fromEntries(Object.entries(options).filter(([name]) => !PER_REQUEST.includes(name)))
  // A missing or misspelled binding (`env.CACHE_KV` undefined): kvStorage names it.
  if (typeof namespace !== 'object' || namespace === null) kvStorage(namespace)
  caches ??= new WeakMap()
  const found = caches.get(namespace)
  if (found) {
    const name = firstDifference(found.options, ofIsolate)
    if (name !== undefined) throw differs(name, found.options[name], ofIsolate[name])
    return found
  }
  const { cacheTtlSeconds, ...cacheOptions } = ofIsolate as RequestCacheOptions
  const storage = kvStorage(namespace, cacheTtlSeconds === undefined ? {} : { cacheTtlSeconds })
  const built = { cache: createCache({ ...cacheOptions, storage }), options: ofIsolate }
  caches.set(namespace, built)
  return built
}

function differs(name: string, first: unknown, now: unknown) {
  const primitive = (value: unknown) => value === null || (typeof value !== 'object' && typeof value !== 'function')
  const what =
    primitive(first) && primitive(now)
      ? `is ${String(now)} here, but this isolate's cache for this KV namespace was built with ${String(first)}`
      : "is not the one this isolate's cache for this KV namespace was built with"
  return kvCacheError(
    'INVALID_OPTION',
    WHERE,
    `Option \`${name}\` ${what} by an earlier call: there is one cache per KV namespace per isolate, built from the first call's options. ` +
      'Pass the same cache options on every request (create `codecExtensions` once, at module scope), or use `createCache` for a second cache with another `prefix`.',
  )
}
