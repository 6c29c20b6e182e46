import { kyselyCacheInvalidate } from '@kvcache/kysely'
import type { Kysely } from 'kysely'
import type { Database } from './readme-schema'

export async function retitle(env: { DB: D1Database }, db: Kysely<Database>, titles: Record<number, string>) {
  const update = env.DB.prepare('update posts set title = ? where id = ?')
  // Atomic, but Kysely never sees it: name the tables it changed.
  await env.DB.batch(Object.entries(titles).map(([id, title]) => update.bind(title, Number(id))))
  await kyselyCacheInvalidate(db, { tables: ['posts'] })
}
