import { memoryStorage } from '@kvcache/core'
import { manualClock } from '@kvcache/core/testing'
import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import { describe, expect, it } from 'vitest'
import { cached, kyselyCache } from '../../src'
import { pausedD1Fault } from '../fault'
import type { Database } from './schema'
import { DB, gate, setup } from './setup'

describe('results are the same on a hit as on a miss', () => {
  it('rows (BLOBs as D1 returns them), insertId and numAffectedRows keep their values and types', async () => {
    const { db, count } = await setup()
    const compiled = db.selectFrom('posts').selectAll().orderBy('id').compile()
    const miss = await db.executeQuery(compiled)
    const hit = await db.executeQuery(compiled)
    expect(count('hit')).toBe(1)
    expect(hit).toStrictEqual(miss)
    expect((miss.rows[0] as { cover: unknown }).cover).toStrictEqual([0, 255, 16])
  })

  it('a write returns what D1 returned: numAffectedRows and insertId as bigint', async () => {
    const { db } = await setup()
    const result = await db.insertInto('users').values({ id: 7, name: 'Linus' }).executeTakeFirstOrThrow()
    expect(result.insertId).toBe(7n)
    expect(result.numInsertedOrUpdatedRows).toBe(1n)
    const deleted = await db.deleteFrom('users').where('id', '=', 7).executeTakeFirstOrThrow()
    expect(deleted.numDeletedRows).toBe(1n)
  })
})

describe('transactions on D1', () => {
  it('kysely-d1 refuses them, and that error reaches the application unchanged', async () => {
    const { db } = await setup()
    await expect(db.transaction().execute(async (trx) => trx.selectFrom('users').selectAll().execute())).rejects.toThrow('Transactions are not supported yet.')
  })
})

describe('a read racing a write', () => {
  it('a read that started before a write and fills after it is never served afterwards', async () => {
    const loaded = gate()
    const hold = gate()
    const { db: writer, cache } = await setup()
    // The same cache; this dialect's D1 stalls the read after the database answered, before the fill.
    const slow = pausedD1Fault(DB, /^select "title" from "posts"/, loaded.open, hold.opened)
    const reader = new Kysely<Database>({ dialect: kyselyCache(new D1Dialect({ database: slow }), cache, { strategy: 'all' }) })
    const read = (db: Kysely<Database>) => db.selectFrom('posts').select('title').orderBy('id').execute()

    const racing = read(reader)
    await loaded.opened
    await writer.updateTable('posts').set({ title: 'Updated' }).where('id', '=', 1).execute()
    hold.open()
    expect(await racing).toStrictEqual([{ title: 'Hello' }, { title: 'World' }])
    await cache.flush()
    expect(await read(writer)).toStrictEqual([{ title: 'Updated' }, { title: 'World' }])
    // Caching is on: that fresh read was stored and is served now (a change behind it is not seen).
    await DB.prepare("update posts set title = 'behind' where id = 2").run()
    expect(await read(writer)).toStrictEqual([{ title: 'Updated' }, { title: 'World' }])
  })
})

describe('hostile parameters', () => {
  it('lone surrogates and their replacement character are different keys', async () => {
    const { db, count } = await setup()
    const read = (name: string) => db.selectFrom('users').select('id').where('name', '=', name).execute()
    for (const name of ['\uD800', '\uFFFD', '\uDC00', '\uD800\uDC00', 'a\uD800b']) await read(name)
    expect(count('hit')).toBe(0)
    expect(count('miss')).toBe(5)
  })

  it('huge strings that differ only in their last character are different keys', async () => {
    const { db, count } = await setup()
    const huge = 'x'.repeat(200_000)
    await db.selectFrom('users').select('id').where('name', '=', `${huge}a`).execute()
    await db.selectFrom('users').select('id').where('name', '=', `${huge}b`).execute()
    await db.selectFrom('users').select('id').where('name', '=', `${huge}a`).execute()
    expect(count('miss')).toBe(2)
    expect(count('hit')).toBe(1)
  })

  it('the same SQL with 1 and "1" are different keys', async () => {
    const { db, count } = await setup()
    await db.selectFrom('users').select('name').where('id', '=', 1).execute()
    await db
      .selectFrom('users')
      .select('name')
      .where('id', '=', '1' as unknown as number)
      .execute()
    expect(count('hit')).toBe(0)
  })
})

describe('freshness', () => {
  it('cached({ ttlSeconds }) expires the entry after that many seconds', async () => {
    const clock = manualClock()
    const { db } = await setup({ strategy: 'explicit', cacheOptions: { storage: memoryStorage({ now: clock.now }), now: clock.now } })
    const read = () =>
      db
        .selectFrom('users')
        .select('name')
        .where('id', '=', 1)
        .withPlugin(cached({ ttlSeconds: 30 }))
        .execute()
    expect(await read()).toStrictEqual([{ name: 'Ada' }])
    await DB.prepare("update users set name = 'behind' where id = 1").run()
    clock.advanceSeconds(29)
    expect(await read()).toStrictEqual([{ name: 'Ada' }])
    clock.advanceSeconds(2)
    expect(await read()).toStrictEqual([{ name: 'behind' }])
  })
})
