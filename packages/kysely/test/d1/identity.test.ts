// Kysely keeps a dialect's database handle private, so the binding cannot tell two databases apart
// by itself: each `kyselyCache` serving another database gets its own `database` name.
import { createCache, type Cache } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import { expect, it } from 'vitest'
import { kyselyCache } from '../../src'
import type { Database } from './schema'
import { behindTheCache, DB, DB2, KV, resetDatabase } from './setup'

const dialect = (d1: D1Database, cache: Cache, database: string) => kyselyCache(new D1Dialect({ database: d1 }), cache, { strategy: 'all', database })
const title = (db: Kysely<Database>) => db.selectFrom('posts').select('title').where('id', '=', 1).execute()

it("two D1 databases behind one KV namespace and one cache, each with its own `database` name: the same SQL returns each database's rows, hits included", async () => {
  await resetDatabase(DB)
  await resetDatabase(DB2)
  await behindTheCache("update posts set title = 'second database' where id = 1", DB2)
  const events: string[] = []
  const cache = createCache({ storage: kvStorage(KV), prefix: `i${crypto.randomUUID().slice(0, 8)}`, onEvent: (event) => events.push(event.type) })
  const one = new Kysely<Database>({ dialect: dialect(DB, cache, 'one') })
  const two = new Kysely<Database>({ dialect: dialect(DB2, cache, 'two') })
  expect(await title(one)).toStrictEqual([{ title: 'Hello' }])
  expect(await title(two)).toStrictEqual([{ title: 'second database' }])
  // Both served from the cache now: the changes behind it are not seen, and neither sees the other's rows.
  await behindTheCache("update posts set title = 'behind one' where id = 1", DB)
  await behindTheCache("update posts set title = 'behind two' where id = 1", DB2)
  expect(await title(one)).toStrictEqual([{ title: 'Hello' }])
  expect(await title(two)).toStrictEqual([{ title: 'second database' }])
  expect(events.filter((type) => type === 'hit')).toHaveLength(2)
  // A write through one reaches its own reads (scopes are named by table: the other may be refreshed too, never stale).
  await one.updateTable('posts').set({ title: 'written one' }).where('id', '=', 1).execute()
  expect(await title(one)).toStrictEqual([{ title: 'written one' }])
  expect(await title(two)).not.toStrictEqual([{ title: 'written one' }])
})
