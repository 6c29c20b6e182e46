import type { Cache } from '@kvcache/core'
import { cached, uncached } from '@kvcache/kysely'
import type { Kysely } from 'kysely'
import type { Database } from './readme-schema'

export function frontPage(db: Kysely<Database>) {
  // Cached for 5 minutes whatever the strategy, and tagged so it can be dropped by hand.
  return db
    .selectFrom('posts')
    .select(['id', 'title'])
    .orderBy('views', 'desc')
    .withPlugin(cached({ ttlSeconds: 300, tags: ['front-page'] }))
    .execute()
}

export async function editorsPick(cache: Cache) {
  // Changes the front page without a write through Kysely: drop its tag.
  await cache.invalidate({ tags: ['front-page'] })
}

export function account(db: Kysely<Database>, id: number) {
  // Never served from the cache, whatever the strategy.
  return db.selectFrom('users').selectAll().where('id', '=', id).withPlugin(uncached()).executeTakeFirst()
}

export function uncachedHandle(db: Kysely<Database>) {
  // Every query through this handle goes to the database.
  return db.withPlugin(uncached())
}
