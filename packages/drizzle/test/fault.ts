import type { Storage } from '@kvcache/core'

/** Fault injection the real KV cannot produce on demand: every storage call fails. */
export function failingStorageFault(inner: Storage): Storage {
  const fail = () => Promise.reject(new Error('injected storage failure'))
  return { ...inner, name: `${inner.name}-failing`, get: fail, getMany: fail, set: fail, delete: fail }
}

/**
 * Fault injection for the catalog: a D1 binding whose catalog queries (`sqlite_master`) throw, as
 * if the database refused them. Every other statement reaches the real D1.
 */
export function d1CatalogFault(db: D1Database): D1Database {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') {
        return (sql: string) => {
          if (/sqlite_master/i.test(sql)) throw new Error('injected catalog failure')
          return target.prepare(sql)
        }
      }
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/**
 * Fault injection D1 cannot produce on demand: statements matching `pattern` run for real, then
 * the call fails, as when the response is lost after the write committed.
 */
export function d1LostResponseFault(db: D1Database, pattern: RegExp): D1Database {
  const wrap = (statement: D1PreparedStatement, sql: string): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, property) {
        if (property === 'bind') return (...values: unknown[]) => wrap(target.bind(...values), sql)
        if (property === 'run' && pattern.test(sql)) {
          return async () => {
            await target.run()
            throw new Error('injected: the response was lost after the write')
          }
        }
        const value = Reflect.get(target, property, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  return new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') return (sql: string) => wrap(target.prepare(sql), sql)
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
