import type { QueryStatus } from '@kvcache/core'
import type { KyselyPluginLike, OperationNodeLike } from './kysely-types'

// Shared across copies of this package, like the cached() mark.
const STATUS = Symbol.for('@kvcache/kysely.status')

type StatusSink = (status: QueryStatus) => void

/**
 * A plugin that tells `onStatus` what the cache did for the query it is applied to: a fresh hit,
 * a stale hit being refreshed, a miss, merged into an identical lookup, or not cached and why.
 * The callback rides on the query's operation node, so concurrent queries never mix.
 *
 * @example
 * await sql`select count(*) as n from posts`.withPlugin(cacheStatus((status) => console.log(status.kind))).execute(db)
 */
export function cacheStatus(onStatus: StatusSink): KyselyPluginLike {
  return {
    transformQuery: ({ node }) => Object.freeze({ ...node, [STATUS]: onStatus }),
    transformResult: async ({ result }) => result,
  }
}

/** The status callback a query carries, if any. */
export function statusOf(node: OperationNodeLike): StatusSink | undefined {
  return (node as unknown as Record<symbol, StatusSink | undefined>)[STATUS]
}

/** A builder `withStatus` can run: any Kysely query builder (`selectFrom(...)`, `updateTable(...)`...). */
export interface ExecutableQuery<R> {
  withPlugin(plugin: KyselyPluginLike): { execute(): Promise<R> }
}

/**
 * Runs a query and says what the cache did for it.
 *
 * @example
 * const { data, status } = await withStatus(db.selectFrom('posts').selectAll().where('id', '=', 1))
 * status.kind // 'hit' | 'stale' | 'stale-if-error' | 'miss' | 'joined' | 'uncached'
 */
export async function withStatus<R>(query: ExecutableQuery<R>): Promise<{ readonly data: R; readonly status: QueryStatus }> {
  let status: QueryStatus | undefined
  const data = await query.withPlugin(cacheStatus((told) => (status = told))).execute()
  // A query that never reached this binding (another dialect, or a Kysely that is not wrapped).
  return { data, status: status ?? { kind: 'uncached', reason: 'not run through a kyselyCache dialect', tables: [] } }
}
