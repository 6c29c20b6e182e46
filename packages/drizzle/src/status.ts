import type { QueryStatus } from '@kvcache/core'
import type { Statement } from './runner'

type Sink = (status: QueryStatus) => void

/** A Drizzle query `withStatus` can run: any builder that shows its SQL (select, relational, insert...). */
export interface QueryWithSql<T> extends PromiseLike<T> {
  toSQL(): { readonly sql: string; readonly params: readonly unknown[] }
}

/**
 * Status requests, by statement. Drizzle hands a builder's SQL to the driver with nothing of ours
 * riding along, so `withStatus` registers the statement it is about to run and the runner takes
 * the registration when that statement arrives. Identical statements in flight at once are told
 * in the order they arrive (their statuses differ only by which one read the database).
 */
export interface StatusRequests {
  expect(query: { readonly sql: string; readonly params: readonly unknown[] }, sink: Sink): () => void
  take(statement: Statement): Sink | undefined
}

export function createStatusRequests(): StatusRequests {
  const waiting = new Map<string, Sink[]>()
  return {
    expect(query, sink) {
      const key = keyOf(query.sql, query.params)
      waiting.set(key, [...(waiting.get(key) ?? []), sink])
      return () => drop(waiting, key, sink)
    },
    take(statement) {
      if (waiting.size === 0) return undefined
      const key = keyOf(statement.sql, statement.params)
      const sink = waiting.get(key)?.[0]
      if (sink) drop(waiting, key, sink)
      return sink
    },
  }
}

function drop(waiting: Map<string, Sink[]>, key: string, sink: Sink): void {
  const rest = (waiting.get(key) ?? []).filter((each) => each !== sink)
  if (rest.length > 0) waiting.set(key, rest)
  else waiting.delete(key)
}

function keyOf(sql: string, params: readonly unknown[]): string {
  return `${sql}\u0000${JSON.stringify(params, (_, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value))}`
}

/** Runs a query with its status registered; the status says `uncached` when the statement never reached the runner. */
export async function runWithStatus<T>(requests: StatusRequests, query: QueryWithSql<T>): Promise<{ readonly data: T; readonly status: QueryStatus }> {
  let status: QueryStatus | undefined
  let shown: { readonly sql: string; readonly params: readonly unknown[] }
  try {
    shown = query.toSQL()
  } catch (error) {
    // A query that cannot show its SQL still runs: the status never fails the query.
    return { data: await query, status: { kind: 'uncached', reason: `the query could not show its SQL (${String(error)})`, tables: [] } }
  }
  const release = requests.expect(shown, (told) => (status = told))
  try {
    const data = await query
    return {
      data,
      status: status ?? {
        kind: 'uncached',
        reason: 'the statement did not reach the cache (a driver not wrapped with kv.d1() / pg() / libsql()?)',
        tables: [],
      },
    }
  } finally {
    release()
  }
}
