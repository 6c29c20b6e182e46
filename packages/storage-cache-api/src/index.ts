import { type Storage } from '@kvcache/core'
import { assertKnownOptions, assertPositive, kvCacheError } from '@kvcache/core/storage'

/** Options for `cacheApiStorage`. */
export interface CacheApiStorageOptions {
  /** Named cache (`caches.open(name)`); absent = `caches.default`. */
  readonly cacheName?: string
  /** Keys become GET URLs under this base. Never fetched: it only names cache entries. @default 'https://kvcache.internal/' */
  readonly baseUrl?: string
  /** Largest value to store, in bytes. @default 512 MiB (the Cache API's per-object limit) */
  readonly maxValueBytes?: number
  /** max-age for values written without a TTL, in seconds. @default 31536000 (a year; the Cache API may evict sooner) */
  readonly noTtlMaxAgeSeconds?: number
}

// https://developers.cloudflare.com/workers/platform/limits/#cache-api-limits
const CACHE_API_MAX_OBJECT_BYTES = 512 * 1024 * 1024
const DEFAULT_BASE_URL = 'https://kvcache.internal/'

interface CacheStorageLike {
  readonly default: Cache
  open(name: string): Promise<Cache>
}

/**
 * The Workers Cache API as storage: per data center, free, fast. It can evict at any time and
 * `delete` is local, so it declares itself non-durable and local: the core never keeps version
 * stamps here, and invalidation still works through stamps kept elsewhere (KV). Best used as the
 * L1 of `twoTierStorage`.
 *
 * @example
 * const storage = twoTierStorage({ l1: cacheApiStorage(), l2: kvStorage(env.CACHE_KV) })
 */
export function cacheApiStorage(options: CacheApiStorageOptions = {}): Storage {
  const where = 'storage-cache-api'
  assertKnownOptions(where, options, ['cacheName', 'baseUrl', 'maxValueBytes', 'noTtlMaxAgeSeconds'])
  assertPositive(where, 'maxValueBytes', options.maxValueBytes)
  assertPositive(where, 'noTtlMaxAgeSeconds', options.noTtlMaxAgeSeconds)
  if (options.cacheName !== undefined && (typeof options.cacheName !== 'string' || options.cacheName === '')) {
    throw kvCacheError('INVALID_OPTION', where, 'Option `cacheName` must be a non-empty string.')
  }
  const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL
  let parsed: URL
  try {
    parsed = new URL(baseUrl)
  } catch (error) {
    throw kvCacheError('INVALID_OPTION', where, `Option \`baseUrl\` must be an absolute URL, got ${JSON.stringify(baseUrl)}.`, error)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw kvCacheError('INVALID_OPTION', where, `Option \`baseUrl\` must be http(s), got ${parsed.protocol}.`)
  }
  const base = parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`
  const noTtlMaxAge = options.noTtlMaxAgeSeconds ?? 31_536_000

  // Looked up on every call, never at import: `caches` exists only inside the Workers runtime.
  const open = async (): Promise<Cache> => {
    const storage = (globalThis as unknown as { caches?: CacheStorageLike }).caches
    if (!storage) throw kvCacheError('MISSING_BINDING', where, 'The Cache API (`caches`) is not available in this runtime.')
    return options.cacheName === undefined ? storage.default : storage.open(options.cacheName)
  }
  const urlOf = (key: string) => base + encodeURIComponent(key)

  return {
    name: 'cache-api',
    capabilities: {
      minTtlSeconds: 0,
      maxKeyBytes: 2048,
      maxValueBytes: Math.min(options.maxValueBytes ?? CACHE_API_MAX_OBJECT_BYTES, CACHE_API_MAX_OBJECT_BYTES),
      maxBatchGet: 1,
      minWriteIntervalMs: 0,
      durable: false,
      reach: 'local',
      globalDelete: false,
      listKeys: false,
    },
    async get(key) {
      const response = await (await open()).match(urlOf(key))
      return response ? response.text() : null
    },
    async set(key, value, setOptions) {
      const ttl = setOptions?.ttlSeconds
      const maxAge = ttl === undefined ? noTtlMaxAge : Math.max(1, Math.ceil(ttl))
      const response = new Response(value, {
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': `max-age=${maxAge}` },
      })
      await (await open()).put(urlOf(key), response)
    },
    async delete(key) {
      await (await open()).delete(urlOf(key))
    },
  }
}
