import { introspectPostgres, type RunQuery } from '@kvcache/core/sql'
import { requireDriver, type KvDrizzleCacheBase } from './binding'
import type { Session } from './runner'

/** What node-postgres' `Pool` and `Client` (and `PoolClient`) share, typed structurally. */
export interface PgQueryable {
  query(config: unknown, values?: unknown): Promise<unknown>
}

interface PgResultLike {
  readonly command?: string
  readonly rowCount?: number | null
  readonly rows: unknown[]
  readonly fields?: readonly Record<string, unknown>[]
  readonly oid?: number
}

/** node-postgres results are class instances; cache a plain copy with the fields Drizzle reads. */
function plainResult(result: unknown): unknown {
  const r = result as PgResultLike
  if (!r || !Array.isArray(r.rows)) return result
  return {
    command: r.command,
    rowCount: r.rowCount ?? null,
    oid: r.oid ?? null,
    rows: r.rows,
    fields: (r.fields ?? []).map((field) => ({ ...field })),
  }
}

function textOf(config: unknown): string {
  if (typeof config === 'string') return config
  return String((config as { text?: unknown })?.text ?? '')
}

function paramsOf(config: unknown, values: unknown): readonly unknown[] {
  if (Array.isArray(values)) return values
  const fromConfig = (config as { values?: unknown })?.values
  return Array.isArray(fromConfig) ? fromConfig : []
}

function wrapQueryable<T extends PgQueryable>(client: T, binding: KvDrizzleCacheBase, session: Session | undefined): T {
  const query = (config: unknown, values?: unknown) => {
    const sql = textOf(config)
    const rowMode = (config as { rowMode?: unknown })?.rowMode
    return binding.run({ sql, params: paramsOf(config, values), method: rowMode === 'array' ? 'array' : 'rows' }, session, async () =>
      plainResult(await client.query(config, values)),
    )
  }
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'query') return query
      if (property === 'connect' && session === undefined && typeof (target as { connect?: unknown }).connect === 'function') {
        // Pool.connect(): a dedicated connection, where transactions run. Track its state apart.
        return async (...args: unknown[]) => {
          const connection = await (target as unknown as { connect(...a: unknown[]): Promise<PgQueryable> }).connect(...args)
          // Catalog queries for this connection run on it: with a small pool, another connection may never come.
          const run: RunQuery = async (sql) => ((await connection.query(sql)) as { rows: Record<string, unknown>[] }).rows
          return wrapQueryable(connection, binding, binding.newSession(run))
        }
      }
      const value = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/**
 * Wraps a node-postgres `Pool` or `Client` (what Hyperdrive hands a Worker, too). Reads outside
 * transactions go through the cache; writes invalidate after they complete; inside a
 * transaction, reads bypass the cache and invalidations wait for COMMIT (dropped on ROLLBACK,
 * and those after a savepoint dropped on ROLLBACK TO it): one core transaction buffer per connection.
 * The wrapper keeps `instanceof Pool` true, which Drizzle checks to open transactions.
 */
function wrapPg<T extends PgQueryable>(client: T, binding: KvDrizzleCacheBase): T {
  const isPool = typeof (client as { connect?: unknown }).connect === 'function' && 'totalCount' in (client as object)
  return wrapQueryable(client, binding, isPool ? undefined : binding.newSession())
}

/**
 * `kv.pg(pool)`: checks the client, names its database (derived from its host, port, database and
 * user unless `database` is given), attaches it as the catalog source (PostgreSQL), and wraps it.
 */
export function attachPg<T extends PgQueryable>(binding: KvDrizzleCacheBase, client: T): T {
  requireDriver(client, 'query', 'kv.pg(client)', 'a node-postgres Pool or Client')
  const run: RunQuery = async (sql) => ((await client.query(sql)) as { rows: Record<string, unknown>[] }).rows
  binding.attachDriver({ handle: client, dialect: 'postgres', run, introspect: introspectPostgres })
  return wrapPg(client, binding)
}
