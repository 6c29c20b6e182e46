import { BoundedMap } from '../bounded-map'
import { assertPositive } from '../options'
import { withTimeout } from '../timeout'
import type { Catalog } from './catalog'

/** Which database a catalog describes: the driver object a binding wraps, or a string naming the database. */
export type CatalogIdentity = object | string

/** What `CatalogCache.get` answers: the catalog, or why there is none (plan at table level then). */
export type CatalogAnswer =
  | { readonly catalog: Catalog }
  | {
      readonly catalog: undefined
      readonly error: unknown
      /** True for exactly one answer per failed (or timed out) introspection: report it then, not on every query. */
      readonly firstReport: boolean
    }

/** Options for `createCatalogCache`. */
export interface CatalogCacheOptions {
  /** How long after a failed introspection the next one may start, in milliseconds. @default 30000 */
  readonly retryAfterMs?: number
  /** How long a caller waits for an introspection before planning without it, in milliseconds. @default 5000 */
  readonly timeoutMs?: number
  /**
   * How old a catalog may get before it is read again, in milliseconds: a migration run outside
   * the app (a trigger or foreign key added by `wrangler d1 migrations apply`) is planned with
   * within this time. The old catalog serves every other request while it is read. @default 300000
   */
  readonly maxAgeMs?: number
  /** Clock in epoch milliseconds, for tests. @default Date.now */
  readonly now?: () => number
}

/** Catalogs per database, learned once and shared by every request of the isolate. */
export interface CatalogCache {
  /**
   * The catalog of `identity`, running `load` if this isolate has none yet, or has one older than
   * `maxAgeMs`. One introspection is in flight per database at a time; concurrent callers share
   * the first one and keep the old catalog during a later one. Never throws.
   */
  get(identity: CatalogIdentity, load: () => Promise<Catalog>): Promise<CatalogAnswer>
  /** The catalog if it is already known, without loading it. */
  peek(identity: CatalogIdentity): Catalog | undefined
  /** Forgets what is known about `identity` (after a migration): the next `get` introspects again. */
  refresh(identity: CatalogIdentity): void
}

interface Entry {
  catalog?: Catalog
  loadedAtMs?: number
  loading?: Promise<Catalog>
  failure?: { readonly error: unknown; readonly atMs: number }
  /** The failure or in-flight load whose failure was already reported. */
  reported?: object
  generation: number
}

/** Starts an introspection for `entry`; its result is kept unless `refresh` ran meanwhile. */
function start(entry: Entry, load: () => Promise<Catalog>, now: () => number): Promise<Catalog> {
  const generation = entry.generation
  const loading = Promise.resolve().then(load)
  entry.loading = loading
  loading
    .then(
      (catalog) => {
        if (entry.generation !== generation) return
        entry.catalog = catalog
        entry.loadedAtMs = now()
        entry.failure = undefined
      },
      (error: unknown) => {
        if (entry.generation === generation) entry.failure = { error, atMs: now() }
      },
    )
    .finally(() => {
      if (entry.loading === loading) entry.loading = undefined
    })
  return loading
}

/** A "no catalog" answer; `firstReport` once per failed (or timed out) introspection. */
function failed(entry: Entry, error: unknown, about: object): CatalogAnswer {
  const firstReport = entry.reported !== about
  entry.reported = about
  return { catalog: undefined, error, firstReport }
}

/** A catalog cache of its own (tests, or an app that wants to scope catalogs). Bindings use `isolateCatalogs`. */
export function createCatalogCache(options: CatalogCacheOptions = {}): CatalogCache {
  const retryAfterMs = options.retryAfterMs ?? 30_000
  const timeoutMs = options.timeoutMs ?? 5_000
  const maxAgeMs = options.maxAgeMs ?? 300_000
  assertPositive('sql', 'retryAfterMs', retryAfterMs)
  assertPositive('sql', 'timeoutMs', timeoutMs)
  assertPositive('sql', 'maxAgeMs', maxAgeMs)
  // Looked up on each call, not captured: a test's fake clock (or a runtime's) is seen.
  const now = options.now ?? (() => Date.now())
  // Names come from configuration (a handful per app); the cap only guards against a name per request.
  const byName = new BoundedMap<string, Entry>(1000)
  const byObject = new WeakMap<object, Entry>()
  const entryOf = (identity: CatalogIdentity): Entry => {
    const known = typeof identity === 'string' ? byName.get(identity) : byObject.get(identity)
    if (known) return known
    const entry: Entry = { generation: 0 }
    if (typeof identity === 'string') byName.set(identity, entry)
    else byObject.set(identity, entry)
    return entry
  }
  const recentlyFailed = (entry: Entry) => entry.failure !== undefined && now() - entry.failure.atMs < retryAfterMs
  /** A known catalog; one caller reads it again once it is old (waiting as for the first read), the others keep it meanwhile. */
  const reread = async (entry: Entry, known: Catalog, load: () => Promise<Catalog>): Promise<CatalogAnswer> => {
    if (now() - (entry.loadedAtMs ?? 0) < maxAgeMs || entry.loading || recentlyFailed(entry)) return { catalog: known }
    try {
      return { catalog: await withTimeout(start(entry, load, now), timeoutMs, 'Reading the database catalog again') }
    } catch {
      // Slow or failing: the old catalog is still the best we know (retried after `retryAfterMs`).
      return { catalog: known }
    }
  }
  return {
    async get(identity, load) {
      const entry = entryOf(identity)
      if (entry.catalog) return reread(entry, entry.catalog, load)
      let loading = entry.loading
      if (!loading) {
        if (entry.failure && recentlyFailed(entry)) return failed(entry, entry.failure.error, entry.failure)
        loading = start(entry, load, now)
      }
      try {
        return { catalog: await withTimeout(loading, timeoutMs, 'Reading the database catalog') }
      } catch (error) {
        return failed(entry, error, entry.failure ?? loading)
      }
    },
    peek(identity) {
      return entryOf(identity).catalog
    },
    refresh(identity) {
      const entry = entryOf(identity)
      entry.generation++
      entry.catalog = undefined
      entry.loading = undefined
      entry.failure = undefined
    },
  }
}

/** The catalogs of this isolate (one per database), shared by every binding and request. */
export const isolateCatalogs: CatalogCache = /* @__PURE__ */ createCatalogCache()
