import { withStatus } from '@kvcache/kysely/sqlite'
import type { Kysely } from 'kysely'
import type { Database } from './readme-schema'

// What the cache did for one query: `hit` (and the entry's age), `stale`, `miss`, `joined`, or `uncached` and why.
export async function readPost(db: Kysely<Database>, id: number) {
  const { data, status } = await withStatus(db.selectFrom('posts').selectAll().where('id', '=', id))
  const age = status.kind === 'hit' || status.kind === 'stale' ? `, ${status.ageMs} ms old` : ''
  console.debug(`[kvcache] ${status.kind}${age} (tables: ${status.tables.join(', ')})`)
  return data[0]
}
