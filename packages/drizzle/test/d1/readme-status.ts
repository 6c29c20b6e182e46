import type { KvDrizzleD1Cache } from '@kvcache/drizzle/d1'
import { eq } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import * as schema from './schema'

// What the cache did for one query: `hit` (and the entry's age), `stale`, `miss`, `joined`, or `uncached` and why.
export async function readPost(db: Pick<DrizzleD1Database, 'select'>, kv: KvDrizzleD1Cache, id: number) {
  const { data, status } = await kv.withStatus(db.select().from(schema.posts).where(eq(schema.posts.id, id)))
  const age = status.kind === 'hit' || status.kind === 'stale' ? `, ${status.ageMs} ms old` : ''
  console.debug(`[kvcache] ${status.kind}${age} (tables: ${status.tables.join(', ')})`)
  return data[0]
}
