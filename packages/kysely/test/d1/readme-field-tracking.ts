import type { Cache } from '@kvcache/core'
import { kyselyCache } from '@kvcache/kysely/sqlite'
import { Kysely, sql } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import type { Database } from './readme-schema'

export function database(cache: Cache, env: { DB: D1Database }) {
  const dialect = kyselyCache(new D1Dialect({ database: env.DB }), cache, {
    strategy: 'all',
    fieldTracking: {
      // A view counter: an update that only bumps it leaves cached reads of posts alone.
      posts: { neverInvalidateOn: ['views'] },
    },
  })
  return new Kysely<Database>({ dialect })
}

// Builder or raw SQL: both are quiet.
export const countView = (db: Kysely<Database>, id: number) =>
  db
    .updateTable('posts')
    .set((eb) => ({ views: eb('views', '+', 1) }))
    .where('id', '=', id)
    .execute()
export const countViewRaw = (db: Kysely<Database>, id: number) => sql`update posts set views = views + 1 where id = ${id}`.execute(db)
