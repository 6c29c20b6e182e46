// PostgreSQL through Hyperdrive with production latency (figures.hyperdrive) around a real
// node-postgres pool on the local server: each query waits one draw before it goes out, whether
// sent on the pool or on a client checked out of it. Connection setup is not delayed: Hyperdrive
// answers it at the edge and keeps pooled connections next to the database.
import type { LatencyModel } from './latency'

interface Queryable {
  query(...args: unknown[]): unknown
}

function delayQueries<T extends object>(target: T, model: LatencyModel): T {
  return new Proxy(target, {
    get(inner, property) {
      const value = Reflect.get(inner, property, inner)
      if (property !== 'query' || typeof value !== 'function') return typeof value === 'function' ? value.bind(inner) : value
      return async (...args: unknown[]) => {
        await model.wait('hyperdrive')
        return (value as Queryable['query']).apply(inner, args)
      }
    },
  })
}

/** Wraps a `pg.Pool`: `query` and the clients from `connect()` wait one Hyperdrive draw per query. */
export function modeledHyperdrivePool<T extends object>(pool: T, model: LatencyModel): T {
  const queries = delayQueries(pool, model)
  return new Proxy(queries, {
    get(inner, property) {
      if (property !== 'connect') return Reflect.get(inner, property, inner)
      return async (...args: unknown[]) => {
        if (args.length > 0) throw new Error('modeledHyperdrivePool: connect(callback) is not supported; use the promise form')
        const client = await (pool as unknown as { connect(): Promise<object> }).connect()
        return delayQueries(client, model)
      }
    },
  })
}
