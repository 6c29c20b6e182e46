import { bookmarkAfterBump, createBookmarks, secretBytes } from './bookmark'
import { createBreaker, noopBreaker, type BreakerOptions } from './breaker'
import { createStampClock, maxStamp, UNKNOWN_STAMP, ZERO_STAMP } from './clock'
import { decodeValue, encodeValue, indexExtensions, type CodecExtension, type EncodedValue } from './codec'
import { parseEntry, serializeEntry } from './entry'
import { isKvCacheError, kvCacheError } from './errors'
import { hashMaterial } from './hash'
import { judgeEntry } from './judge'
import { assertKeyBudget, entryKey, isOwnScope, qualifyScopes } from './layout'
import { assertKnownOptions, assertPositive, assertTenant } from './options'
import { byteLength } from './text'
import { scopesOf, type ScopeTarget } from './scopes'
import { storageVersions } from './storage-versions'
import { withTimeout } from './timeout'
import { trustedVersions } from './trusted-versions'
import { planTtl, type TtlPlan } from './ttl'
import type { CacheEvent, MissReason, Operation, Stamp, Storage, StorageContext, VersionStore } from './types'

/** Options for `createCache`. */
export interface CacheOptions {
  /** Where entries live (`kvStorage(env.KV)`, `twoTierStorage(...)`, `memoryStorage()`). */
  readonly storage: Storage
  /** Where version stamps live. @default stamps kept in `storage` (its durable tier) */
  readonly versions?: VersionStore
  /** Prefix of every key this cache writes; letters, digits, `.`, `_`, `-`. @default 'kvc' */
  readonly prefix?: string
  /** Freshness of an entry when a call gives none, in seconds. @default 60 */
  readonly defaultTtlSeconds?: number
  /** Stale-while-revalidate window after freshness, in seconds. @default 0 */
  readonly defaultSwrSeconds?: number
  /** Keeps background work (fills, revalidation, stamp retries) alive: `ctx.waitUntil` in Workers. Without it, fills are awaited. */
  readonly waitUntil?: (promise: Promise<unknown>) => void
  /** Namespaces keys and scopes; 1-128 bytes, no `:`, `/`, whitespace. @default none */
  readonly tenant?: string
  /** Receives every cache event. Errors it throws are swallowed. */
  readonly onEvent?: (event: CacheEvent) => void
  /** Budget for one storage or version-store call, in milliseconds; past it the database answers. @default 1000 */
  readonly timeoutMs?: number
  /** Circuit breaker around storage, or `false` to disable it. @default { failureThreshold: 5, openSeconds: 30 } */
  readonly breaker?: BreakerOptions | false
  /** Entries larger than this many bytes are not stored. @default the storage's `maxValueBytes` */
  readonly maxValueBytes?: number
  /** Extra types the result codec should round-trip (e.g. Prisma Decimal). */
  readonly codecExtensions?: readonly CodecExtension[]
  /**
   * How long stamps read by this isolate may be reused without asking the version store again,
   * in seconds. Adds up to this much staleness after a write made elsewhere. @default 0
   */
  readonly stampTrustSeconds?: number
  /**
   * Signs `bookmark()` output (HMAC-SHA-256) so clients cannot forge or edit bookmarks; unsigned or
   * tampered ones are ignored and reported. At least 16 bytes. @default unsigned bookmarks
   */
  readonly bookmarkSecret?: string | Uint8Array
  /** Clock in epoch milliseconds, for tests. @default Date.now */
  readonly now?: () => number
}

/** What a binding hands the core for one read. */
export interface QueryRequest {
  /** Everything that identifies the result: dialect, database, SQL, parameters. Hashed with SHA-256. */
  readonly material: unknown
  /** Scopes the result depends on (`tableScope`, `rowScope`, `tagScope`). Empty = only TTL expires it. */
  readonly scopes: readonly string[]
  /** Freshness in seconds. @default the cache's `defaultTtlSeconds` */
  readonly ttlSeconds?: number
  /** Stale-while-revalidate window in seconds. @default the cache's `defaultSwrSeconds` */
  readonly swrSeconds?: number
  /**
   * Lifetime known only after the loader returns (Drizzle hands `$withCache({ config })` over
   * after the read). The fill then waits for it in the background, up to `timeoutMs`, and falls
   * back to `ttlSeconds` / the default.
   */
  readonly lateOptions?: Promise<{ readonly ttlSeconds?: number | undefined; readonly swrSeconds?: number | undefined } | undefined>
}

/** Options for one cache-aside entry: its lifetime and what invalidates it. */
export interface EntryOptions extends ScopeTarget {
  readonly ttlSeconds?: number
  readonly swrSeconds?: number
}

/** Per-request context: a tenant, the request's `waitUntil`, and the client's session bookmark. */
export interface CacheContext {
  readonly tenant?: string
  readonly waitUntil?: (promise: Promise<unknown>) => void
  /**
   * The bookmark a client got from `cache.bookmark()` on an earlier request (e.g. from a cookie).
   * Entries older than it are bypassed: read-your-writes and monotonic reads even on eventually
   * consistent KV. An invalid bookmark is ignored and reported as an `error` event.
   */
  readonly bookmark?: string
  /** Also receives the events of this view's own calls (per-request tracing, `Server-Timing`...). */
  readonly onEvent?: (event: CacheEvent) => void
}

/** The cache that bindings and applications call. */
export interface Cache {
  readonly tenant: string | undefined
  /** Serves a read from cache or runs `loader` (the database) and stores its result. Never fails because of the cache. */
  query<T>(request: QueryRequest, loader: () => T | Promise<T>): Promise<T>
  /** Cache-aside for any data: the value under `key`, or `loader`'s result, stored with `options`. */
  wrap<T>(key: string, loader: () => T | Promise<T>, options?: EntryOptions): Promise<T>
  /** The value stored under `key`, or undefined if absent, expired or invalidated. Pass the entry's tags to save a round trip. */
  get<T = unknown>(key: string, options?: ScopeTarget): Promise<T | undefined>
  /** Stores `value` under `key`. Reports failures through events instead of throwing. */
  set(key: string, value: unknown, options?: EntryOptions): Promise<void>
  /** Removes `key` from storage (where the storage can; prefer `invalidate` for global effect). */
  delete(key: string): Promise<void>
  /** Bumps the version stamps of every scope in `target`: all entries depending on them become misses. */
  invalidate(target: ScopeTarget): Promise<void>
  /** A view of this cache for one request or tenant; shares storage, breaker and de-duplication. */
  withContext(context: CacheContext): Cache
  /** Resolves when background work started by this cache (fills, stamp writes) has settled. */
  flush(): Promise<void>
  /**
   * The highest stamp this view wrote or served, as an opaque string to hand back to the client
   * (cookie, header) and pass as `withContext({ bookmark })` on its next request.
   */
  bookmark(): string
  /** Delivers an event to this cache's `onEvent` (and the view's): how bindings report bypasses and fallbacks. */
  report(event: CacheEvent): void
}

interface Outcome<T> {
  readonly value: T
  /** The stored form, so de-duplicated callers get their own copy. */
  readonly encoded: EncodedValue | undefined
}

const KNOWN_OPTIONS = [
  'storage',
  'versions',
  'prefix',
  'defaultTtlSeconds',
  'defaultSwrSeconds',
  'waitUntil',
  'tenant',
  'onEvent',
  'timeoutMs',
  'breaker',
  'maxValueBytes',
  'codecExtensions',
  'stampTrustSeconds',
  'bookmarkSecret',
  'now',
] as const satisfies readonly (keyof CacheOptions)[]

const RECENT_BUMPS_LIMIT = 10_000
/** Values at least this large may legitimately take longer than `timeoutMs` to read. */
const LARGE_VALUE_BYTES = 1024 * 1024
/** Extra budget per byte for reads and writes of large values (10 MiB/s, well below KV's). */
const LARGE_BYTES_PER_MS = 10 * 1024
/** At most one repair bump per unknown stamp per this many milliseconds, per isolate. */
const REPAIR_INTERVAL_MS = 5_000
/** A bump may read, check and write: it gets a few storage budgets before the cache stops waiting. */
const BUMP_BUDGET_FACTOR = 3

/**
 * Creates the query cache.
 *
 * @example
 * const cache = createCache({ storage: kvStorage(env.KV), waitUntil: (p) => ctx.waitUntil(p) })
 * const user = await cache.wrap(`user:${id}`, () => loadUser(id), { ttlSeconds: 300, tags: ['users'] })
 */
export function createCache(options: CacheOptions): Cache {
  const where = 'core'
  if (typeof options !== 'object' || options === null) {
    throw kvCacheError('INVALID_OPTION', where, 'createCache expects an options object.')
  }
  assertKnownOptions(where, options, KNOWN_OPTIONS)
  const { storage } = options
  if (!storage || typeof storage.get !== 'function' || typeof storage.set !== 'function') {
    throw kvCacheError('MISSING_BINDING', where, 'Missing required option `storage` (e.g. `kvStorage(env.KV)`).')
  }
  assertPositive(where, 'defaultTtlSeconds', options.defaultTtlSeconds)
  assertPositive(where, 'defaultSwrSeconds', options.defaultSwrSeconds, { allowZero: true })
  assertPositive(where, 'timeoutMs', options.timeoutMs)
  assertPositive(where, 'maxValueBytes', options.maxValueBytes)
  assertPositive(where, 'stampTrustSeconds', options.stampTrustSeconds, { allowZero: true })
  if (options.breaker) {
    assertKnownOptions(where, options.breaker, ['failureThreshold', 'openSeconds'])
    assertPositive(where, 'breaker.failureThreshold', options.breaker.failureThreshold)
    assertPositive(where, 'breaker.openSeconds', options.breaker.openSeconds)
  }
  const prefix = options.prefix ?? 'kvc'
  assertKeyBudget(where, prefix, (storage.durableTier ?? storage).capabilities.maxKeyBytes)
  if (options.tenant !== undefined) assertTenant(where, options.tenant)
  if (options.waitUntil !== undefined && typeof options.waitUntil !== 'function') {
    throw kvCacheError('INVALID_OPTION', where, 'Option `waitUntil` must be a function (pass `(p) => ctx.waitUntil(p)`).')
  }
  const now = options.now ?? Date.now
  const extensions = options.codecExtensions ?? []
  const extensionsByTag = indexExtensions(extensions)
  const bookmarks = createBookmarks(secretBytes(where, options.bookmarkSecret), now)
  const baseVersions = options.versions ?? storageVersions({ storage: storage.durableTier ?? storage, prefix, now, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) })
  const versions = options.stampTrustSeconds ? trustedVersions(baseVersions, options.stampTrustSeconds, now) : baseVersions
  const defaults = { ttlSeconds: options.defaultTtlSeconds ?? 60, swrSeconds: options.defaultSwrSeconds ?? 0 }
  const timeoutMs = options.timeoutMs ?? 1000
  const maxValueBytes = Math.min(options.maxValueBytes ?? Number.POSITIVE_INFINITY, storage.capabilities.maxValueBytes)
  const onEvent = options.onEvent

  const deliver = (handler: ((event: CacheEvent) => void) | undefined, event: CacheEvent) => {
    if (!handler) return
    try {
      handler(event)
    } catch {
      // An event handler must never break a read.
    }
  }
  const emit = (event: CacheEvent) => deliver(onEvent, event)

  const breaker =
    options.breaker === false ? noopBreaker : createBreaker(options.breaker ?? {}, now, (state) => emit({ type: 'breaker', state, storage: storage.name }))
  const allowStorage = () => breaker.allow()
  const storageOk = () => breaker.success()
  const storageFailed = () => breaker.failure()
  // Sizes of large values this isolate wrote or read, so their reads get a budget that fits them.
  const largeKeys = new Map<string, number>()
  const rememberLarge = (key: string, bytes: number) => {
    if (bytes < LARGE_VALUE_BYTES) return
    if (largeKeys.size >= RECENT_BUMPS_LIMIT) largeKeys.clear()
    largeKeys.set(key, bytes)
  }
  const budgetFor = (bytes: number) => timeoutMs + Math.ceil(bytes / LARGE_BYTES_PER_MS)
  const repairedAt = new Map<string, number>()

  const inflight = new Map<string, { readonly promise: Promise<Outcome<unknown>>; readonly scopes: readonly string[] }>()
  const revalidating = new Set<string>()
  const recentBumps = new Map<string, Stamp>()
  const clampsReported = new Set<number>()
  // Last fill per key in this isolate: a backend with a per-key write limit (KV: 1/s) would reject a second one.
  const lastFillMs = new Map<string, number>()
  const fillIntervalMs = storage.capabilities.minWriteIntervalMs
  const background = new Set<Promise<unknown>>()

  // Mints the read stamp of each entry; observes every stamp seen so it orders after them.
  const clock = createStampClock(now)


  const colocated = versions.colocated?.storage === storage && storage.getMany ? versions.colocated : undefined

  /** Reads an entry and the current stamps of its scopes: one bulk get when stamps sit beside entries. */
  const fetchEntry = async (key: string, scopes: readonly string[], context: StorageContext) => {
    if (colocated && scopes.length + 1 <= storage.capabilities.maxBatchGet) {
      const stampKeys = scopes.map(colocated.keyOf)
      const found = await (storage.getMany as NonNullable<Storage['getMany']>)([key, ...stampKeys], context)
      const current = scopes.map((scope, i) => colocated.decode(scope, found.get(stampKeys[i] as string) ?? null))
      return { raw: found.get(key) ?? null, current }
    }
    const [raw, current] = await Promise.all([storage.get(key, context), versions.read(scopes)])
    return { raw, current }
  }

  /** `fetchEntry` within the read budget; a read that was slow only because its value is large is forgiven. */
  const readEntry = async (key: string, scopes: readonly string[], context: StorageContext) => {
    const work = fetchEntry(key, scopes, context)
    try {
      const found = await withTimeout(work, budgetFor(largeKeys.get(key) ?? 0), `${storage.name}.get`)
      storageOk()
      if (found.raw !== null) rememberLarge(key, found.raw.length)
      return found
    } catch (error) {
      storageFailed()
      if (isKvCacheError(error, 'TIMEOUT')) {
        void work.then(
          (late) => {
            if ((late.raw?.length ?? 0) < LARGE_VALUE_BYTES) return
            // Slow because it is large, not because storage is down: not an outage.
            breaker.forgive()
            rememberLarge(key, late.raw?.length ?? 0)
          },
          () => undefined,
        )
      }
      throw error
    }
  }

  /** A stamp that orders after everything just read. */
  const readStampAfter = (current: readonly Stamp[]) => {
    for (const stamp of current) clock.observe(stamp)
    return clock.next()
  }

  const bumpedSince = (scopes: readonly string[], stamps: readonly Stamp[]) =>
    scopes.some((scope, i) => (recentBumps.get(scope) ?? '') > (stamps[i] ?? ''))

  function makeView(
    tenant: string | undefined,
    waitUntil: CacheContext['waitUntil'],
    floor: Stamp,
    listener: CacheContext['onEvent'],
  ): Cache {
    // Events of this view's calls go to the cache's handler and to the view's own listener.
    const emit = (event: CacheEvent) => {
      deliver(onEvent, event)
      deliver(listener, event)
    }
    const reportError = (operation: Operation, error: unknown, key?: string) =>
      emit(key === undefined ? { type: 'error', operation, error } : { type: 'error', operation, error, key })
    // Highest stamp this view wrote or served: the client's next bookmark.
    let seen = floor
    const see = (stamp: Stamp) => {
      seen = maxStamp(seen, stamp)
    }
    const storageContext: StorageContext = waitUntil ? { waitUntil } : {}
    const qualify = (scopes: readonly string[]) => qualifyScopes(tenant, scopes)
    const keyOf = async (material: unknown) => entryKey(prefix, tenant, await hashMaterial(material))

    /** Background work goes to waitUntil when there is one; otherwise the caller awaits it. */
    const runInBackground = (work: Promise<unknown>, detached = false): Promise<unknown> => {
      const settled = work.catch((error) => reportError('revalidate', error))
      background.add(settled)
      void settled.finally(() => background.delete(settled))
      if (waitUntil) {
        waitUntil(settled)
        return Promise.resolve()
      }
      return detached ? Promise.resolve() : settled
    }

    const reportClamp = (plan: TtlPlan) => {
      const requested = plan.ttlSeconds + plan.swrSeconds
      if (!plan.clamped || clampsReported.has(requested)) return
      clampsReported.add(requested)
      emit({ type: 'clamp', requestedSeconds: requested, appliedSeconds: plan.physicalSeconds, storage: storage.name })
    }

    /** Encodes and stores a loaded value with the stamps read before the load. Returns the encoding. */
    const fill = async (
      key: string,
      scopes: readonly string[],
      stamps: readonly Stamp[],
      readStamp: Stamp,
      plan: TtlPlan,
      value: unknown,
      inBackground: boolean,
    ): Promise<EncodedValue | undefined> => {
      let encoded: EncodedValue
      try {
        encoded = encodeValue(value, extensions)
      } catch (error) {
        emit({ type: 'skip', key, reason: 'unencodable' })
        reportError('encode', error, key)
        return undefined
      }
      if (stamps.includes(UNKNOWN_STAMP)) {
        emit({ type: 'skip', key, reason: 'stamp-unknown' })
        return encoded
      }
      if (bumpedSince(scopes, stamps)) {
        // A write in this isolate landed while the loader ran: the entry would be dead on arrival.
        emit({ type: 'skip', key, reason: 'invalidated-during-load' })
        return encoded
      }
      const raw = serializeEntry({
        createdAtMs: now(),
        ttlSeconds: plan.ttlSeconds,
        swrSeconds: plan.swrSeconds,
        scopes,
        stamps,
        readStamp,
        value: encoded,
      })
      const bytes = byteLength(raw)
      if (bytes > maxValueBytes) {
        emit({ type: 'skip', key, reason: 'oversized' })
        return encoded
      }
      reportClamp(plan)
      if (fillIntervalMs > 0) {
        const last = lastFillMs.get(key)
        if (last !== undefined && now() - last < fillIntervalMs) {
          emit({ type: 'skip', key, reason: 'rate-limited' })
          return encoded
        }
        if (lastFillMs.size >= RECENT_BUMPS_LIMIT) lastFillMs.clear()
        lastFillMs.set(key, now())
      }
      const write = async () => {
        if (!allowStorage()) {
          emit({ type: 'skip', key, reason: 'breaker-open' })
          return
        }
        try {
          await withTimeout(storage.set(key, raw, { ttlSeconds: plan.physicalSeconds }), budgetFor(bytes), `${storage.name}.set`)
          storageOk()
          rememberLarge(key, bytes)
          emit({ type: 'fill', key, bytes, ttlSeconds: plan.ttlSeconds })
        } catch (error) {
          if (isKvCacheError(error, 'RATE_LIMITED')) {
            // A per-key limit says nothing about the backend's health: no breaker failure, the next miss refills.
            storageOk()
            emit({ type: 'skip', key, reason: 'rate-limited' })
            return
          }
          storageFailed()
          reportError('set', error, key)
        }
      }
      if (inBackground) await runInBackground(write())
      else await write()
      return encoded
    }

    const decode = (key: string, encoded: EncodedValue): { ok: true; value: unknown } | { ok: false } => {
      try {
        return { ok: true, value: decodeValue(encoded, extensionsByTag) }
      } catch (error) {
        reportError('decode', error, key)
        return { ok: false }
      }
    }

    const revalidate = (key: string, scopes: readonly string[], plan: TtlPlan, loader: () => unknown) => {
      if (revalidating.has(key)) return
      revalidating.add(key)
      const work = (async () => {
        try {
          const stamps = await withTimeout(versions.read(scopes), timeoutMs, `${versions.name}.read`)
          const readStamp = readStampAfter(stamps)
          const value = await loader()
          await fill(key, scopes, stamps, readStamp, plan, value, false)
        } finally {
          revalidating.delete(key)
        }
      })()
      void runInBackground(work)
    }

    /** Bumps qualified scopes. Never throws: the user's write already happened, a late invalidation beats a failed one. */
    const bump = async (scopes: readonly string[]) => {
      // A lookup already in flight may carry pre-write rows: later readers must not join it.
      for (const [key, slot] of inflight) {
        if (slot.scopes.some((scope) => scopes.includes(scope))) inflight.delete(key)
      }
      try {
        // The store bounds each of its storage calls; this outer budget only guards custom stores.
        const stamp = await withTimeout(
          versions.bump(scopes, { waitUntil, onError: (error) => reportError('versions.bump', error) }),
          timeoutMs * BUMP_BUDGET_FACTOR,
          `${versions.name}.bump`,
        )
        if (recentBumps.size > RECENT_BUMPS_LIMIT) recentBumps.clear()
        for (const scope of scopes) recentBumps.set(scope, stamp)
        clock.observe(stamp)
        see(bookmarkAfterBump(stamp))
        emit({ type: 'invalidate', scopes, stamp })
      } catch (error) {
        reportError('versions.bump', error)
      }
    }

    /** A stamp that does not parse makes its entries misses; a bump writes a good one over it. */
    const repairUnknown = (scopes: readonly string[], current: readonly Stamp[]) => {
      const due = scopes.filter((scope, i) => current[i] === UNKNOWN_STAMP && now() - (repairedAt.get(scope) ?? Number.NEGATIVE_INFINITY) >= REPAIR_INTERVAL_MS)
      if (due.length === 0) return
      if (repairedAt.size >= RECENT_BUMPS_LIMIT) repairedAt.clear()
      for (const scope of due) repairedAt.set(scope, now())
      reportError('versions.read', kvCacheError('CORRUPT_STAMP', where, `The stamps of ${due.length} scope(s) could not be parsed (${due.slice(0, 3).map((scope) => JSON.stringify(scope.slice(0, 60))).join(', ')}); bumping them to repair.`))
      void runInBackground(bump(due))
    }

    /** `get(key)` without a target: the entry names its scopes, so its stamps come second. */
    const readUntargeted = async (key: string) => {
      try {
        const raw = await withTimeout(storage.get(key, storageContext), timeoutMs, `${storage.name}.get`)
        const listed = (raw === null ? undefined : parseEntry(raw)?.scopes) ?? []
        // Scopes read from storage are untrusted: only this view's own, well-formed ones are looked up.
        const scopes = listed.every((scope) => isOwnScope(tenant, scope)) ? listed : []
        const current = await withTimeout(versions.read(scopes), timeoutMs, `${versions.name}.read`)
        storageOk()
        return { raw: scopes === listed ? raw : null, current, scopes }
      } catch (error) {
        storageFailed()
        throw error
      }
    }

    /** The whole lookup for one key: storage, validity, freshness, loader, fill. */
    const lookup = async <T>(
      key: string,
      scopes: readonly string[],
      plan: TtlPlan,
      loader: () => T | Promise<T>,
      lateOptions?: QueryRequest['lateOptions'],
    ): Promise<Outcome<T>> => {
      let found: { readonly raw: string | null; readonly current: readonly Stamp[] } | undefined
      if (allowStorage()) {
        try {
          found = await readEntry(key, scopes, storageContext)
        } catch (error) {
          reportError('get', error, key)
        }
      } else {
        emit({ type: 'skip', key, reason: 'breaker-open' })
      }
      if (found === undefined) {
        // Storage is unusable right now: answer from the database and store nothing.
        emit({ type: 'miss', key, reason: 'error' })
        return { value: await loader(), encoded: undefined }
      }
      const { current } = found
      repairUnknown(scopes, current)
      const readStamp = readStampAfter(current)
      const verdict = judgeEntry({ raw: found.raw, scopes, current, floor, nowMs: now() })
      let reason: MissReason = verdict.kind === 'miss' ? verdict.reason : 'corrupt'
      if (verdict.kind !== 'miss') {
        const decoded = decode(key, verdict.entry.value)
        if (decoded.ok) {
          see(verdict.entry.readStamp)
          if (verdict.kind === 'fresh') {
            emit({ type: 'hit', key, ageMs: verdict.ageMs })
          } else {
            emit({ type: 'stale', key, ageMs: verdict.ageMs })
            revalidate(key, scopes, plan, loader)
          }
          return { value: decoded.value as T, encoded: verdict.entry.value }
        }
        reason = 'corrupt'
      }
      emit({ type: 'miss', key, reason })
      const value = await loader()
      see(readStamp)
      if (lateOptions) {
        // Never awaited here: the caller must get its rows before it can tell us the lifetime.
        const stamps = current
        void runInBackground(
          (async () => {
            const late = await withTimeout(lateOptions, timeoutMs, 'late options').catch(() => undefined)
            // A lifetime that already ended (e.g. an `exat` in the past) means: do not store.
            if (late?.ttlSeconds === 0) return
            let latePlan = plan
            try {
              if (late) latePlan = planTtl({ ttlSeconds: late.ttlSeconds ?? plan.ttlSeconds, swrSeconds: late.swrSeconds ?? plan.swrSeconds }, defaults, storage.capabilities.minTtlSeconds)
            } catch (error) {
              reportError('encode', error, key)
              return
            }
            await fill(key, scopes, stamps, readStamp, latePlan, value, false)
          })(),
          true,
        )
        return { value, encoded: undefined }
      }
      const encoded = await fill(key, scopes, current, readStamp, plan, value, true)
      return { value, encoded }
    }

    /** De-duplicates concurrent lookups of one key in this isolate; followers get their own decoded copy. */
    const dedupe = async <T>(key: string, scopes: readonly string[], run: () => Promise<Outcome<T>>): Promise<T> => {
      const pending = inflight.get(key)
      if (pending) {
        const joined = await waitForLeader(pending.promise as Promise<Outcome<T>>)
        if (joined) {
          if (joined.encoded) {
            const copy = decode(key, joined.encoded)
            if (copy.ok) return copy.value as T
          }
          return joined.value
        }
        // The leader is slow: look up on our own rather than wait longer.
        return (await run()).value
      }
      const started = run()
      const slot = { promise: started as Promise<Outcome<unknown>>, scopes }
      inflight.set(key, slot)
      try {
        return (await started).value
      } finally {
        if (inflight.get(key) === slot) inflight.delete(key)
      }
    }

    const prepare = async (material: unknown, request: Omit<QueryRequest, 'material'>) => {
      const plan = planTtl(request, defaults, storage.capabilities.minTtlSeconds)
      const scopes = qualify(request.scopes)
      return { plan, scopes, key: await keyOf(material) }
    }

    const view: Cache = {
      tenant,

      async query(request, loader) {
        let prepared: Awaited<ReturnType<typeof prepare>>
        try {
          prepared = await prepare(request.material, request)
        } catch (error) {
          // Bad TTL or material we cannot hash: the database answers, the cache stays out of it.
          reportError('encode', error)
          return loader()
        }
        const { key, scopes, plan } = prepared
        // A view with a bookmark must not join a lookup that may serve entries older than it.
        const flightKey = floor === ZERO_STAMP ? key : `${key}|${floor}`
        return dedupe(flightKey, scopes, () => lookup(key, scopes, plan, loader, request.lateOptions))
      },

      async wrap(key, loader, entryOptions = {}) {
        let scopes: string[]
        try {
          scopes = scopesOf(entryOptions)
        } catch (error) {
          reportError('encode', error)
          return loader()
        }
        return view.query({ ...ttlOf(entryOptions), material: ['key', key], scopes }, loader)
      },

      async get<T>(key: string, target?: ScopeTarget): Promise<T | undefined> {
        if (!allowStorage()) {
          emit({ type: 'skip', key, reason: 'breaker-open' })
          return undefined
        }
        try {
          const storageKey = await keyOf(['key', key])
          // Without the target, the entry names its own scopes: two round trips instead of one.
          const found = target ? { scopes: qualify(scopesOf(target)) } : await readUntargeted(storageKey)
          const { raw, current } = 'current' in found ? found : await readEntry(storageKey, found.scopes, storageContext)
          repairUnknown(found.scopes, current)
          const verdict = judgeEntry({ raw, scopes: found.scopes, current, floor, nowMs: now() })
          if (verdict.kind === 'miss') return undefined
          const decoded = decode(storageKey, verdict.entry.value)
          return decoded.ok ? (decoded.value as T) : undefined
        } catch (error) {
          reportError('get', error)
          return undefined
        }
      },

      async set(key, value, entryOptions = {}) {
        try {
          const { key: storageKey, scopes, plan } = await prepare(['key', key], {
            ...ttlOf(entryOptions),
            scopes: scopesOf(entryOptions),
          })
          const stamps = await withTimeout(versions.read(scopes), timeoutMs, `${versions.name}.read`)
          const readStamp = readStampAfter(stamps)
          see(readStamp)
          await fill(storageKey, scopes, stamps, readStamp, plan, value, false)
        } catch (error) {
          reportError('set', error)
        }
      },

      async delete(key) {
        try {
          await withTimeout(storage.delete(await keyOf(['key', key])), timeoutMs, `${storage.name}.delete`)
        } catch (error) {
          reportError('delete', error)
        }
      },

      async invalidate(target) {
        const scopes = qualify(scopesOf(target))
        if (scopes.length > 0) await bump(scopes)
      },

      withContext(context) {
        assertKnownOptions(where, context, ['tenant', 'waitUntil', 'bookmark', 'onEvent'])
        if (context.tenant !== undefined) assertTenant(where, context.tenant)
        // Bookmarks come from clients (cookies): a bad one is reported and ignored, and even a
        // valid one only sets this view's floor, never the isolate's clock.
        const parsed = bookmarks.parse(context.bookmark)
        if ('error' in parsed) reportError('bookmark', parsed.error)
        const nextFloor = 'floor' in parsed ? maxStamp(floor, parsed.floor) : floor
        return makeView(context.tenant ?? tenant, context.waitUntil ?? waitUntil, nextFloor, context.onEvent ?? listener)
      },

      bookmark: () => bookmarks.format(seen),

      report: emit,

      async flush() {
        while (background.size > 0) await Promise.allSettled([...background])
        await versions.settle?.()
      },
    }
    return view
  }

  return makeView(options.tenant, options.waitUntil, ZERO_STAMP, undefined)
}

/** How long a caller waits for an identical lookup already in flight before going alone. */
const LEADER_WAIT_MS = 30_000
/** How often a waiting caller re-arms its own timer. */
const LEADER_POLL_MS = 250

/**
 * Waits for another caller's lookup, re-arming a short timer of its own while it waits. The timer
 * matters on Workers: a request that only awaits a promise another request will settle has no
 * pending I/O of its own, and the runtime cancels it as hung. Gives up (undefined) after
 * `LEADER_WAIT_MS`; a leader's error is the follower's error too (one failing query, not N).
 */
async function waitForLeader<T>(leader: Promise<T>): Promise<T | undefined> {
  const deadline = Date.now() + LEADER_WAIT_MS
  const settled = leader.then((value) => ({ value }))
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), LEADER_POLL_MS)
    })
    const result = await Promise.race([settled, tick]).finally(() => clearTimeout(timer))
    if (result) return result.value
    if (Date.now() >= deadline) return undefined
  }
}

function ttlOf(options: EntryOptions): { ttlSeconds?: number; swrSeconds?: number } {
  const out: { ttlSeconds?: number; swrSeconds?: number } = {}
  if (options.ttlSeconds !== undefined) out.ttlSeconds = options.ttlSeconds
  if (options.swrSeconds !== undefined) out.swrSeconds = options.swrSeconds
  return out
}


