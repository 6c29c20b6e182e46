// D1 with production latency around the real (local) binding: every statement run (all, first,
// run, raw), batch and exec waits one draw of figures.d1Distant before it goes out.
import type { LatencyModel } from './latency'

const RUNS = new Set(['all', 'first', 'run', 'raw'])
// Statements handed to batch() must be the binding's own: each wrapper remembers its original.
const originals = new WeakMap<object, D1PreparedStatement>()

function modeledStatement(statement: D1PreparedStatement, model: LatencyModel): D1PreparedStatement {
  const wrapped = new Proxy(statement, {
    get(target, property) {
      const value = Reflect.get(target, property, target)
      if (typeof value !== 'function') return value
      if (property === 'bind') return (...args: unknown[]) => modeledStatement(target.bind(...args), model)
      if (RUNS.has(String(property))) {
        return async (...args: unknown[]) => {
          await model.wait('d1Distant')
          return (value as (...a: unknown[]) => unknown).apply(target, args)
        }
      }
      return value.bind(target)
    },
  })
  originals.set(wrapped, statement)
  return wrapped
}

export function modeledD1(db: D1Database, model: LatencyModel): D1Database {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') return (sql: string) => modeledStatement(target.prepare(sql), model)
      if (property === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          await model.wait('d1Distant')
          return target.batch(statements.map((statement) => originals.get(statement) ?? statement))
        }
      }
      if (property === 'exec') {
        return async (sql: string) => {
          await model.wait('d1Distant')
          return target.exec(sql)
        }
      }
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
