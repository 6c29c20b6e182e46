/**
 * Latency injection the real D1 cannot produce on demand: statements whose SQL matches `pattern`
 * run for real, then wait for `hold` before their result is handed back (and say so through
 * `loaded`). Everything else is the real binding, untouched.
 */
export function pausedD1Fault(d1: D1Database, pattern: RegExp, loaded: () => void, hold: Promise<void>): D1Database {
  const pause = (sql: string, statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, property) {
        if (property === 'bind') return (...values: unknown[]) => pause(sql, target.bind(...values))
        if (property === 'all' && pattern.test(sql)) {
          return async () => {
            const result = await target.all()
            loaded()
            await hold
            return result
          }
        }
        const value = Reflect.get(target, property, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  return new Proxy(d1, {
    get(target, property) {
      if (property === 'prepare') return (sql: string) => pause(sql, target.prepare(sql))
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
