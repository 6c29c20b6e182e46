import type { Cache } from './cache-types'
import { kvCacheError } from './errors'
import type { DatabaseClaim, Isolate } from './isolate'

/**
 * Which database a binding's entries belong to. Entry keys carry the database's name, so two
 * databases behind one KV namespace never answer each other's queries:
 *
 * - a name the user gave (`database: 'tenant-42'`) wins;
 * - else a name derived from the driver when it says where it connects (a PostgreSQL pool's
 *   `postgres://user@host:port/database`, a libSQL URL): two databases get two names by themselves;
 * - else `default`, and the driver object itself (a D1 binding, held weakly) is remembered: a second,
 *   different database under the same name in this isolate fails fast instead of sharing entries.
 */
export interface DatabaseHandle {
  /** The binding claiming it: `drizzle`, `kysely`, `prisma`. */
  readonly binding: string
  /** The `database` option, when the user gave one. */
  readonly name?: string | undefined
  /** The driver: a D1 binding (or session), a node-postgres Pool / Client, a libSQL client, or a string naming it. */
  readonly handle?: unknown
}

const states = new WeakMap<Cache, Isolate>()
const fallback = new WeakMap<Cache, Map<string, DatabaseClaim>>()

/** Called by `createView`: lets bindings find the isolate's claims from any view of the cache. */
export function registerView(cache: Cache, isolate: Isolate): void {
  states.set(cache, isolate)
}

/** `postgres://user@host:port/database` from a node-postgres Pool / Client's settings, when it has them. */
function postgresIdentity(driver: Record<string, unknown>): string | undefined {
  const params = { ...(driver.options as Record<string, unknown> | undefined), ...(driver.connectionParameters as Record<string, unknown> | undefined) }
  let { user, host, port, database } = params
  if (typeof params.connectionString === 'string') {
    try {
      const url = new URL(params.connectionString)
      user ??= decodeURIComponent(url.username)
      host ??= url.hostname
      port ??= url.port || 5432
      database ??= decodeURIComponent(url.pathname.slice(1))
    } catch {
      // Not a URL (a socket path, key=value pairs): not derivable.
    }
  }
  if (typeof host !== 'string' || host === '' || database === undefined || database === '') return undefined
  return `postgres://${String(user ?? '')}@${host}:${String(port ?? 5432)}/${String(database)}`
}

/** What identifies the database behind `handle`: a derived string, an object to compare, or nothing. */
export function identityOf(handle: unknown): { readonly text: string } | { readonly object: object } | undefined {
  if (typeof handle === 'string') return handle === '' ? undefined : { text: handle }
  if (typeof handle !== 'object' || handle === null) return undefined
  const driver = handle as Record<string, unknown>
  const postgres = postgresIdentity(driver)
  if (postgres) return { text: postgres }
  // libSQL / Turso clients keep the URL they connect to (an in-memory database has none to share).
  const url = (driver.config as { url?: unknown } | undefined)?.url ?? driver.url
  if (typeof url === 'string' && url !== '' && !url.includes(':memory:')) return { text: url.replace(/^libsql:|^https?:|^wss?:/, 'libsql:') }
  // A D1 binding and every session made from it share one `fetcher`: the database's binding.
  const fetcher = driver.fetcher
  if (typeof fetcher === 'object' && fetcher !== null) return { object: fetcher }
  return { object: handle }
}

function sameClaim(claim: DatabaseClaim, identity: { readonly text: string } | { readonly object: object }): boolean | undefined {
  if ('text' in claim) return 'text' in identity ? claim.text === identity.text : false
  const held = claim.object.deref()
  // The first database was collected: nothing can be shared with it any more.
  if (held === undefined) return undefined
  return 'object' in identity && held === identity.object
}

/**
 * The name this binding's entries and catalog use for its database, after checking that this
 * cache has not seen another database under it. Throws `DATABASE_CONFLICT` naming the option.
 *
 * @example
 * const database = claimDatabase(cache, { binding: 'drizzle', name: options.database, handle: env.DB })
 */
export function claimDatabase(cache: Cache, { binding, name, handle }: DatabaseHandle): string {
  const identity = identityOf(handle)
  const resolved = name ?? (identity && 'text' in identity ? identity.text : 'default')
  if (!identity) return resolved
  const claims = states.get(cache)?.databases ?? fallback.get(cache) ?? new Map<string, DatabaseClaim>()
  if (!states.has(cache) && !fallback.has(cache)) fallback.set(cache, claims)
  const key = `${binding}\u0000${resolved}`
  const claim = claims.get(key)
  const same = claim === undefined ? undefined : sameClaim(claim, identity)
  if (same === false) {
    throw kvCacheError(
      'DATABASE_CONFLICT',
      binding,
      `This cache already serves another database under \`database: ${JSON.stringify(resolved)}\` (they would share cached rows). ` +
        "Give each its own `database` option (e.g. `database: 'tenant-42'`).",
    )
  }
  if (same === undefined) claims.set(key, 'text' in identity ? { text: identity.text } : { object: new WeakRef(identity.object) })
  return resolved
}
