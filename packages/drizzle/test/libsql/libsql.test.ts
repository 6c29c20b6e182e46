import { createClient, type Client } from '@libsql/client'
import { createCache, memoryStorage, type CacheEvent } from '@kvcache/core'
import { eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/libsql'
import { blob, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { drizzleCache } from '../../src'
import { drizzleCache as libsqlOnlyCache } from '../../src/libsql'

const items = sqliteTable('items', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  big: integer('big').notNull(),
  data: blob('data'),
})

const dir = mkdtempSync(join(tmpdir(), 'kvcache-libsql-'))
let client: Client

beforeEach(async () => {
  client?.close()
  client = createClient({ url: `file:${join(dir, `${Math.random().toString(36).slice(2)}.db`)}` })
  await client.execute('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, big INTEGER NOT NULL, data BLOB)')
  await client.execute({ sql: 'INSERT INTO items VALUES (1, ?, ?, ?), (2, ?, ?, ?)', args: ['one', 1234567890123n, new Uint8Array([1, 2]), 'two', 2n, null] })
})

afterAll(() => {
  client?.close()
  rmSync(dir, { recursive: true, force: true })
})

function setup() {
  const events: CacheEvent[] = []
  const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
  const kv = drizzleCache(cache, { schema: { items }, strategy: 'all', database: 'libsql' })
  const db = drizzle(kv.libsql(client), { cache: kv })
  const behindTheCache = drizzle(client)
  return { db, behindTheCache, events, kv }
}

const names = (rows: { name: string }[]) => rows.map((row) => row.name)

describe('libSQL / Turso (@libsql/client, local file database)', () => {
  it('caches reads and invalidates on writes', async () => {
    const { db, behindTheCache } = setup()
    const read = () => db.select().from(items).orderBy(items.id)
    expect(names(await read())).toStrictEqual(['one', 'two'])
    await behindTheCache.update(items).set({ name: 'behind' }).where(eq(items.id, 2))
    expect(names(await read())).toStrictEqual(['one', 'two'])
    await db.update(items).set({ name: 'ONE' }).where(eq(items.id, 1))
    expect(names(await read())).toStrictEqual(['ONE', 'behind'])
  })

  it('rows keep their shape on a hit: indices, names, BigInt, blobs', async () => {
    const { kv } = setup()
    const wrapped = kv.libsql(client)
    const miss = (await wrapped.execute('SELECT id, name, big, data FROM items ORDER BY id')) as { rows: Record<string | number, unknown>[] }
    const hit = (await wrapped.execute('SELECT id, name, big, data FROM items ORDER BY id')) as { rows: Record<string | number, unknown>[] }
    expect(hit).toStrictEqual(miss)
    const row = hit.rows[0] as Record<string | number, unknown>
    expect(row[1]).toBe('one')
    expect(row.name).toBe('one')
    expect(row.length).toBe(4)
    expect(Object.keys(row)).toStrictEqual(['id', 'name', 'big', 'data'])
    expect(row.data).toBeInstanceOf(ArrayBuffer)
    const { db } = setup()
    const typedMiss = await db.select().from(items).orderBy(items.id)
    const typedHit = await db.select().from(items).orderBy(items.id)
    expect(typedHit).toStrictEqual(typedMiss)
    expect(typedHit[0]?.big).toBe(1234567890123)
    expect(typedHit[0]?.data).toBeInstanceOf(Buffer)
  })

  it('db.batch and executeMultiple invalidate', async () => {
    const { db, kv } = setup()
    const read = () => db.select().from(items).orderBy(items.id)
    await read()
    await db.batch([db.update(items).set({ name: 'batched' }).where(eq(items.id, 2))])
    expect(names(await read())).toStrictEqual(['one', 'batched'])
    await kv.libsql(client).executeMultiple("UPDATE items SET name = 'script' WHERE id = 1; SELECT 1;")
    expect(names(await read())).toStrictEqual(['script', 'batched'])
  })

  it('transactions: reads inside bypass the cache, invalidation waits for commit', async () => {
    const { db, events } = setup()
    const read = () => db.select().from(items).orderBy(items.id)
    await read()
    await db.transaction(async (tx) => {
      await tx.update(items).set({ name: 'in tx' }).where(eq(items.id, 1))
      expect(names(await tx.select().from(items).orderBy(items.id))).toStrictEqual(['in tx', 'two'])
      expect(events.filter((event) => event.type === 'invalidate')).toHaveLength(0)
    })
    expect(events.filter((event) => event.type === 'invalidate')).toHaveLength(1)
    expect(names(await read())).toStrictEqual(['in tx', 'two'])
  })

  it('transactions: a rollback drops the invalidation and caches nothing uncommitted', async () => {
    const { db, events, behindTheCache } = setup()
    const read = () => db.select().from(items).orderBy(items.id)
    await read()
    await expect(
      db.transaction(async (tx) => {
        await tx.run(sql`UPDATE items SET name = 'never'`)
        throw new Error('roll back')
      }),
    ).rejects.toThrow('roll back')
    expect(events.filter((event) => event.type === 'invalidate')).toHaveLength(0)
    await behindTheCache.update(items).set({ name: 'behind' })
    expect(names(await read())).toStrictEqual(['one', 'two'])
  })

  it('reads the catalog through the client: what a trigger writes is invalidated, and nothing degrades', async () => {
    const { db, behindTheCache, events, kv } = setup()
    await client.execute('CREATE TABLE audit (what TEXT NOT NULL)')
    await client.execute("CREATE TRIGGER items_audit AFTER UPDATE ON items BEGIN INSERT INTO audit VALUES ('renamed ' || new.name); END")
    // A migration outside the wrapper: tell the binding to read the catalog again.
    kv.refreshCatalog()
    const readAudit = async () => (await db.all<{ what: string }>(sql`select what from audit order by rowid`)).map((row) => row.what)
    expect(await readAudit()).toStrictEqual([])
    await behindTheCache.run(sql`insert into audit values ('behind')`)
    expect(await readAudit()).toStrictEqual([])
    await db.update(items).set({ name: 'uno' }).where(eq(items.id, 1))
    expect(await readAudit()).toStrictEqual(['behind', 'renamed uno'])
    expect(events.filter((event) => event.type === 'degraded')).toStrictEqual([])
  })

  it('@kvcache/drizzle/libsql: the same wrapper, with the catalog read from the database (row-precise invalidation)', async () => {
    const kv = libsqlOnlyCache(createCache({ storage: memoryStorage() }), { strategy: 'all', database: 'libsql-only' })
    const db = drizzle(kv.libsql(client), { cache: kv })
    const readName = async (id: number) => (await db.select({ name: items.name }).from(items).where(eq(items.id, id)))[0]?.name
    expect([await readName(1), await readName(2)]).toStrictEqual(['one', 'two'])
    await drizzle(client).update(items).set({ name: 'behind' }).where(eq(items.id, 1))
    // No schema given: only the introspected primary key makes this write row-precise, so row 1 stays cached.
    await db.update(items).set({ name: 'TWO' }).where(eq(items.id, 2))
    expect([await readName(1), await readName(2)]).toStrictEqual(['one', 'TWO'])
  })
})
