import { createClient, type Client } from '@libsql/client'
import { createCache, memoryStorage, type CacheEvent } from '@kvcache/core'
import { dependencyScopes } from '@kvcache/core/binding'
import { qualifyScope } from '@kvcache/core/storage'
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { eq, sql } from 'drizzle-orm'
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql'
import { blob, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { drizzleCache } from '../../src'
import { drizzleCache as libsqlOnlyCache } from '../../src/libsql'
import { HISTORIES, lettersOf, runHistory as runHistoryWith, startsWithBegin, type History } from '../savepoint-histories'

const items = sqliteTable('items', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  big: integer('big').notNull(),
  data: blob('data', { mode: 'buffer' }),
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
  const kv = drizzleCache(cache, { schema: { items }, strategy: 'all', database: `libsql-${crypto.randomUUID()}` })
  const db = drizzle({ client: kv.libsql(client), cache: kv })
  const behindTheCache = drizzle({ client })
  return { db, behindTheCache, events, kv }
}

const names = (rows: { name: string }[]) => rows.map((row) => row.name)

const behind = (statement: string) => client.execute(statement)

describe('libSQL / Turso (@libsql/client, local file database)', () => {
  itInvalidates('caches reads and invalidates on writes', async () => {
    const { db, behindTheCache } = setup()
    await expectFreshAfterWrite({
      read: () => db.select().from(items).orderBy(items.id),
      direct: () => behindTheCache.select().from(items).orderBy(items.id),
      changeBehind: () => behind("UPDATE items SET name = 'behind' WHERE id = 2"),
      write: () => db.update(items).set({ name: 'ONE' }).where(eq(items.id, 1)),
    })
  })

  it('rows keep their shape on a hit: indices, names, BigInt, blobs', async () => {
    const { kv, events } = setup()
    const wrapped = kv.libsql(client)
    const miss = (await wrapped.execute('SELECT id, name, big, data FROM items ORDER BY id')) as { rows: Record<string | number, unknown>[] }
    // The next reads are hits: a change behind the cache is not seen.
    await behind("UPDATE items SET name = 'behind', data = NULL")
    const hit = (await wrapped.execute('SELECT id, name, big, data FROM items ORDER BY id')) as { rows: Record<string | number, unknown>[] }
    expect(events.filter((event) => event.type === 'hit')).toHaveLength(1)
    expect(hit).toStrictEqual(miss)
    const row = hit.rows[0] as Record<string | number, unknown>
    expect(row[1]).toBe('one')
    expect(row.name).toBe('one')
    expect(row.length).toBe(4)
    expect(Object.keys(row)).toStrictEqual(['id', 'name', 'big', 'data'])
    expect(row.data).toBeInstanceOf(ArrayBuffer)
  })

  it('typed Drizzle rows on a hit deep-equal the miss (BigInt-sized integers, Buffers)', async () => {
    await behind("UPDATE items SET name = 'one', data = x'0102' WHERE id = 1")
    const { db, events } = setup()
    const typedMiss = await db.select().from(items).orderBy(items.id)
    await behind("UPDATE items SET name = 'behind', data = NULL")
    const typedHit = await db.select().from(items).orderBy(items.id)
    expect(events.filter((event) => event.type === 'hit')).toHaveLength(1)
    expect(typedHit).toStrictEqual(typedMiss)
    expect(typedHit[0]?.big).toBe(1234567890123)
    expect(typedHit[0]?.data).toBeInstanceOf(Buffer)
  })

  itInvalidates('db.batch invalidates', async () => {
    const { db, behindTheCache } = setup()
    await expectFreshAfterWrite({
      read: () => db.select().from(items).orderBy(items.id),
      direct: () => behindTheCache.select().from(items).orderBy(items.id),
      changeBehind: () => behind("UPDATE items SET name = 'behind' WHERE id = 1"),
      write: () => db.batch([db.update(items).set({ name: 'batched' }).where(eq(items.id, 2))]),
    })
  })

  itInvalidates('executeMultiple invalidates', async () => {
    const { db, behindTheCache, kv } = setup()
    await expectFreshAfterWrite({
      read: () => db.select().from(items).orderBy(items.id),
      direct: () => behindTheCache.select().from(items).orderBy(items.id),
      changeBehind: () => behind("UPDATE items SET name = 'behind' WHERE id = 2"),
      write: () => kv.libsql(client).executeMultiple("UPDATE items SET name = 'script' WHERE id = 1; SELECT 1;"),
    })
  })

  itInvalidates('transactions: reads inside bypass the cache, invalidation waits for commit', async () => {
    const { db, events, behindTheCache } = setup()
    const read = () => db.select().from(items).orderBy(items.id)
    await expectFreshAfterWrite({
      read,
      direct: () => behindTheCache.select().from(items).orderBy(items.id),
      changeBehind: () => behind("UPDATE items SET name = 'behind' WHERE id = 2"),
      write: () =>
        db.transaction(async (tx) => {
          await tx.update(items).set({ name: 'in tx' }).where(eq(items.id, 1))
          expect(names(await tx.select().from(items).orderBy(items.id))).toStrictEqual(['in tx', 'behind'])
          expect(events.filter((event) => event.type === 'invalidate')).toHaveLength(0)
        }),
    })
    expect(events.filter((event) => event.type === 'invalidate')).toHaveLength(1)
  })

  it('transactions: a rollback drops the invalidation and caches nothing uncommitted', async () => {
    const { db, events } = setup()
    const read = () => db.select().from(items).orderBy(items.id)
    await read()
    await expect(
      db.transaction(async (tx) => {
        await tx.run(sql`UPDATE items SET name = 'never'`)
        throw new Error('roll back')
      }),
    ).rejects.toThrow('roll back')
    expect(events.filter((event) => event.type === 'invalidate')).toHaveLength(0)
    await behind("UPDATE items SET name = 'behind'")
    expect(names(await read())).toStrictEqual(['one', 'two'])
  })

  itInvalidates('reads the catalog through the client: what a trigger writes is invalidated, and nothing degrades', async () => {
    const { db, behindTheCache, events, kv } = setup()
    await client.execute('CREATE TABLE audit (what TEXT NOT NULL)')
    await client.execute("CREATE TRIGGER items_audit AFTER UPDATE ON items BEGIN INSERT INTO audit VALUES ('renamed ' || new.name); END")
    // A migration outside the wrapper: tell the binding to read the catalog again.
    kv.refreshCatalog()
    const query = async (on: typeof db) => (await on.all<{ what: string }>(sql`select what from audit order by rowid`)).map((row) => row.what)
    await expectFreshAfterWrite({
      read: () => query(db),
      direct: () => query(behindTheCache),
      changeBehind: () => behind("insert into audit values ('behind')"),
      write: () => db.update(items).set({ name: 'uno' }).where(eq(items.id, 1)),
    })
    expect(events.filter((event) => event.type === 'degraded')).toStrictEqual([])
  })

  itInvalidates('@kvcache/drizzle/libsql: the same wrapper, with the catalog read from the database (row-precise invalidation)', async () => {
    const kv = libsqlOnlyCache(createCache({ storage: memoryStorage() }), { strategy: 'all', database: `libsql-only-${crypto.randomUUID()}` })
    const db = drizzle({ client: kv.libsql(client), cache: kv })
    const plain = drizzle({ client })
    const readName = (on: typeof plain, id: number) => on.select({ name: items.name }).from(items).where(eq(items.id, id))
    const row1 = await readName(db, 1)
    await expectFreshAfterWrite({
      read: () => readName(db, 2),
      direct: () => readName(plain, 2),
      changeBehind: () => behind("UPDATE items SET name = 'behind'"),
      write: () => db.update(items).set({ name: 'TWO' }).where(eq(items.id, 2)),
    })
    // No schema given: only the introspected primary key makes this write row-precise, so row 1 stays cached.
    expect(await readName(db, 1)).toStrictEqual(row1)
  })
})

// Core's savepoint histories, through Drizzle's libSQL transactions (client.transaction()).
describe("core's savepoint histories, through db.transaction on libSQL", () => {
  const letters = sqliteTable('letters', { name: text('name').primaryKey(), v: integer('v').notNull() })
  const ALL = ['a', 'b', 'c', 'd', 'e']
  beforeEach(async () => {
    await client.execute('CREATE TABLE letters (name TEXT PRIMARY KEY, v INTEGER NOT NULL)')
    await client.execute(`INSERT INTO letters VALUES ${ALL.map((letter) => `('${letter}', 0)`).join(', ')}`)
  })
  type Db = LibSQLDatabase<Record<string, never>>
  const read = (on: Db, letter: string) => on.select().from(letters).where(eq(letters.name, letter))
  const write = (on: Db, letter: string) =>
    on
      .update(letters)
      .set({ v: sql`${letters.v} + 1` })
      .where(eq(letters.name, letter))
  // What a by-key read of `letter` depends on, as invalidate events name it.
  const readScopes = (letter: string) =>
    dependencyScopes([{ kind: 'rows', table: 'letters', rows: [{ values: [letter], types: ['text'] }] }]).map((scope) => qualifyScope(undefined, scope))

  function setupLetters() {
    const events: CacheEvent[] = []
    const kv = drizzleCache(createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) }), {
      strategy: 'all',
      database: `libsql-${crypto.randomUUID()}`,
    })
    let seen = 0
    const bumped = () => {
      const scopes = events.slice(seen).flatMap((event) => (event.type === 'invalidate' ? event.scopes : []))
      seen = events.length
      return new Set(scopes)
    }
    return { db: drizzle({ client: kv.libsql(client), cache: kv }) as Db, plain: drizzle({ client }) as Db, bumped }
  }

  const runHistory = (db: Db, history: History) =>
    runHistoryWith(
      {
        transaction: (body) => db.transaction((tx) => body(tx as unknown as Db & { rollback(): never })),
        write: (tx: Db, letter) => write(tx, letter),
        sql: (tx: Db, text) => tx.run(sql.raw(text)),
      },
      history,
    )

  for (const history of HISTORIES) {
    const refused = history.refusedBy?.sqlite
    if (refused) {
      // A history that opens without BEGIN cannot be written with db.transaction (it always begins): nothing to run.
      if (!startsWithBegin(history)) continue
      it(`${history.name}: the database refuses it (${refused})`, async () => {
        const t = setupLetters()
        await expect(runHistory(t.db, history)).rejects.toThrow()
      })
      continue
    }
    const rolledBack = lettersOf(history).filter((letter) => !history.expected.includes(letter))
    const test = history.expected.length === 0 ? it : itInvalidates
    test(history.name, async () => {
      const t = setupLetters()
      for (const letter of ALL) await read(t.db, letter)
      if (history.expected.length === 0) {
        t.bumped()
        await runHistory(t.db, history)
      } else {
        await expectFreshAfterWrite({
          read: () => Promise.all(history.expected.map((letter) => read(t.db, letter))),
          direct: () => Promise.all(history.expected.map((letter) => read(t.plain, letter))),
          changeBehind: () => client.execute(`UPDATE letters SET v = v + 100 WHERE name IN (${history.expected.map((letter) => `'${letter}'`).join(', ')})`),
          write: async () => {
            t.bumped()
            await runHistory(t.db, history)
          },
        })
      }
      for (const letter of ALL) expect(await read(t.db, letter), letter).toStrictEqual(await read(t.plain, letter))
      const bumped = t.bumped()
      for (const letter of rolledBack) for (const scope of readScopes(letter)) expect(bumped.has(scope), `${letter}: ${scope}`).toBe(false)
      // The same check sees the committed letters' rows bumped: it names scopes as the events do.
      for (const letter of history.expected)
        expect(
          readScopes(letter).some((scope) => bumped.has(scope)),
          letter,
        ).toBe(true)
    })
  }

  itInvalidates('a nested db.transaction that throws: its writes are dropped, the outer ones published on commit', async () => {
    const t = setupLetters()
    await read(t.db, 'b')
    await expectFreshAfterWrite({
      read: () => read(t.db, 'a'),
      direct: () => read(t.plain, 'a'),
      changeBehind: () => client.execute("UPDATE letters SET v = v + 100 WHERE name = 'a'"),
      write: async () => {
        t.bumped()
        await t.db.transaction(async (tx) => {
          await write(tx as unknown as Db, 'a')
          await expect(
            tx.transaction(async (nested) => {
              await write(nested as unknown as Db, 'b')
              throw new Error('roll back to the savepoint')
            }),
          ).rejects.toThrow('roll back to the savepoint')
        })
      },
    })
    const bumped = t.bumped()
    for (const scope of readScopes('b')) expect(bumped.has(scope), scope).toBe(false)
  })
})
