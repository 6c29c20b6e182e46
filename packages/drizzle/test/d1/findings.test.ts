// Issue 17 ("correct by construction"), the findings that reach this binding, on real D1 + KV.
import { createCache, isKvCacheError, memoryStorage, type CacheEvent } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { and, eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { drizzleCache } from '../../src'
import { d1CatalogFault } from '../fault'
import * as schema from './schema'
import { posts, users } from './schema'
import { behind, DB, DB2, KV, resetDatabase, setup } from './setup'

const codes = sqliteTable('codes', { code: text('code').primaryKey(), name: text('name').notNull() })
const members = sqliteTable('members', { orgId: integer('org_id').notNull(), userId: integer('user_id').notNull(), role: text('role').notNull() }, (table) => [
  primaryKey({ columns: [table.orgId, table.userId] }),
])

beforeEach(async () => {
  await behind(
    'DROP TABLE IF EXISTS codes',
    'CREATE TABLE codes (code TEXT PRIMARY KEY, name TEXT NOT NULL)',
    "INSERT INTO codes VALUES ('123', 'one two three'), ('abc', 'letters')",
    'DROP TABLE IF EXISTS members',
    'CREATE TABLE members (user_id INTEGER NOT NULL, org_id INTEGER NOT NULL, role TEXT NOT NULL, PRIMARY KEY (org_id, user_id))',
    "INSERT INTO members VALUES (1, 10, 'owner'), (2, 10, 'reader')",
  )
})

type Db = Awaited<ReturnType<typeof setup>>['db']

const errorOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  )

describe('finding 1: invalidating a table reaches every read of it, by key too', () => {
  const byKey: Record<string, { table: string; read: (db: Db) => Promise<unknown>; outside: string }> = {
    'integer key (posts)': {
      table: 'posts',
      read: (db: Db) => db.select().from(posts).where(eq(posts.id, 1)),
      outside: "UPDATE posts SET title = 'outside' WHERE id = 1",
    },
    'text key (codes)': {
      table: 'codes',
      read: (db: Db) => db.select().from(codes).where(eq(codes.code, 'abc')),
      outside: "UPDATE codes SET name = 'outside' WHERE code = 'abc'",
    },
    'composite key (members)': {
      table: 'members',
      read: (db: Db) =>
        db
          .select()
          .from(members)
          .where(and(eq(members.orgId, 10), eq(members.userId, 1))),
      outside: "UPDATE members SET role = 'outside' WHERE org_id = 10 AND user_id = 1",
    },
  }
  for (const [kind, { table, read, outside }] of Object.entries(byKey)) {
    itInvalidates(`db.$cache.invalidate({ tables: ['${table}'] }) after a D1 batch outside Drizzle: a by-key read, ${kind}`, async () => {
      const { db, behindTheCache } = await setup({ strategy: 'all' })
      await expectFreshAfterWrite({
        read: () => read(db),
        direct: () => read(behindTheCache),
        changeBehind: () => behind(outside.replace("'outside'", "'behind'")),
        write: async () => {
          await DB.batch([DB.prepare(outside)])
          await db.$cache.invalidate({ tables: [table] })
        },
      })
    })

    itInvalidates(`core cache.invalidate({ tables: ['${table}'] }) after raw D1 outside Drizzle: a by-key read, ${kind}`, async () => {
      const { db, behindTheCache, cache } = await setup({ strategy: 'all' })
      await expectFreshAfterWrite({
        read: () => read(db),
        direct: () => read(behindTheCache),
        changeBehind: () => behind(outside.replace("'outside'", "'behind'")),
        write: async () => {
          await DB.prepare(outside).run()
          await cache.invalidate({ tables: [table] })
        },
      })
    })
  }
})

describe("finding 2: a text primary key whose value looks like a number ('123')", () => {
  const read = (db: Db) => db.select().from(codes).where(eq(codes.code, '123'))
  for (const withSchema of [true, false]) {
    itInvalidates(`raw update through Drizzle's sql with a literal, then a by-key read (${withSchema ? 'with' : 'without'} a schema)`, async () => {
      const { db, behindTheCache } = await setup({ strategy: 'all', withSchema })
      await expectFreshAfterWrite({
        read: () => read(db),
        direct: () => read(behindTheCache),
        changeBehind: () => behind("UPDATE codes SET name = 'behind' WHERE code = '123'"),
        write: () => db.run(sql`UPDATE codes SET name = 'raw' WHERE code = '123'`),
      })
    })

    itInvalidates(`raw update through Drizzle's sql with a parameter, then a by-key read (${withSchema ? 'with' : 'without'} a schema)`, async () => {
      const { db, behindTheCache } = await setup({ strategy: 'all', withSchema })
      await expectFreshAfterWrite({
        read: () => read(db),
        direct: () => read(behindTheCache),
        changeBehind: () => behind("UPDATE codes SET name = 'behind' WHERE code = '123'"),
        write: () => db.run(sql`UPDATE codes SET name = ${'raw'} WHERE code = ${'123'}`),
      })
    })
  }
})

describe('finding 4: two D1 databases behind one KV namespace', () => {
  beforeEach(async () => {
    await resetDatabase(DB)
    await resetDatabase(DB2)
    await DB2.prepare("UPDATE users SET name = 'Second ' || name").run()
  })
  const names = (rows: { name: string }[]) => rows.map((row) => row.name)
  const newCache = (events: CacheEvent[] = []) =>
    createCache({ storage: kvStorage(KV), prefix: `two${crypto.randomUUID().slice(0, 8)}`, onEvent: (event) => events.push(event) })

  it('without a `database` option, one cache fails fast with DATABASE_CONFLICT naming the option', async () => {
    const cache = newCache()
    drizzleCache(cache, { strategy: 'all' }).d1(DB)
    const second = (() => {
      try {
        drizzleCache(cache, { strategy: 'all' }).d1(DB2)
      } catch (error) {
        return error
      }
    })()
    expect(isKvCacheError(second, 'DATABASE_CONFLICT')).toBe(true)
    expect(String((second as Error).message)).toMatch(/`database`/)
    // The same binding handed a second database: the same answer.
    const kv = drizzleCache(cache, { strategy: 'all' })
    expect(() => kv.d1(DB2)).toThrow(/database/)
    // A session of the first database is the same database.
    expect(() => drizzleCache(cache).d1(DB.withSession('first-primary') as unknown as D1Database)).not.toThrow()
  })

  it('with a name each, both work: the same SQL and parameters never answer with the other database’s rows', async () => {
    const events: CacheEvent[] = []
    const cache = newCache(events)
    const kvFirst = drizzleCache(cache, { strategy: 'all', database: 'first' })
    const kvSecond = drizzleCache(cache, { strategy: 'all', database: 'second' })
    const first = drizzle(kvFirst.d1(DB), { schema, cache: kvFirst })
    const second = drizzle(kvSecond.d1(DB2), { schema, cache: kvSecond })
    const read = (db: typeof first) => db.select().from(users).where(eq(users.id, 1))
    expect(names(await read(first))).toStrictEqual(['Ada'])
    expect(names(await read(second))).toStrictEqual(['Second Ada'])
    // Both are cached now (a change behind either is not seen), each with its own rows.
    await DB.prepare("UPDATE users SET name = 'behind'").run()
    await DB2.prepare("UPDATE users SET name = 'behind'").run()
    const hits = events.filter((event) => event.type === 'hit').length
    expect(names(await read(first))).toStrictEqual(['Ada'])
    expect(names(await read(second))).toStrictEqual(['Second Ada'])
    expect(events.filter((event) => event.type === 'hit')).toHaveLength(hits + 2)
  })
})

describe('finding 5: per-call options are checked', () => {
  const rejects = async (promise: Promise<unknown>, code: string, message: RegExp) => {
    const error = await errorOf(promise)
    expect(isKvCacheError(error, code as never), String(error)).toBe(true)
    expect((error as Error).message).toMatch(message)
  }

  it('$withCache({ config }) with an invalid expiry rejects the read, every time, and stores nothing', async () => {
    const { db, events } = await setup()
    const read = (config: Record<string, unknown>) =>
      db
        .select()
        .from(users)
        .$withCache({ config: config as never })
    await rejects(read({ ex: -5 }), 'INVALID_OPTION', /`config\.ex` must be a finite number of seconds > 0, got -5/)
    await rejects(read({ ex: -5 }), 'INVALID_OPTION', /`config\.ex`/)
    await rejects(read({ ex: 0 }), 'INVALID_OPTION', /`config\.ex`/)
    await rejects(read({ ex: Number.NaN }), 'INVALID_OPTION', /`config\.ex`/)
    await rejects(read({ px: -1 }), 'INVALID_OPTION', /`config\.px` must be a finite number of milliseconds > 0/)
    await rejects(read({ exat: Number.POSITIVE_INFINITY }), 'INVALID_OPTION', /`config\.exat`/)
    await rejects(read({ pxat: '2030' }), 'INVALID_OPTION', /`config\.pxat`/)
    await rejects(read({ ex: 5, px: 100 }), 'INVALID_OPTION', /`config\.ex`, `config\.px`.*give one/)
    await rejects(read({ exx: 5 }), 'UNKNOWN_OPTION', /Unknown option `exx`\. Did you mean `ex`\?/)
    await rejects(read({ ttl: 60 }), 'UNKNOWN_OPTION', /Unknown option `ttl`/)
    expect(events.filter((event) => event.type === 'fill')).toStrictEqual([])
  })

  it('$withCache({ tag }) outside the tag rule rejects the read before it runs', async () => {
    const { db } = await setup()
    await rejects(db.select().from(users).$withCache({ tag: '*' }), 'INVALID_OPTION', /`tag\[0\]` must be a well-formed string/)
    await rejects(db.select().from(users).$withCache({ tag: 'a\nb' }), 'INVALID_OPTION', /`tag\[0\]`/)
  })

  it('valid configs cache (ex, px, exat, pxat in the future; keepTtl accepted and without effect)', async () => {
    const now = Date.now()
    for (const config of [{ ex: 60 }, { px: 60_000 }, { exat: now / 1000 + 60 }, { pxat: now + 60_000 }, { ex: 60, keepTtl: true }]) {
      const { db, events } = await setup()
      const read = () => db.select().from(users).where(eq(users.id, 2)).$withCache({ config })
      expect(names(await read())).toStrictEqual(['Grace'])
      // The fill waits for Drizzle's put (which carries the config): let it land.
      await vi.waitFor(() => expect(events.filter((event) => event.type === 'fill')).toHaveLength(1))
      await behind("UPDATE users SET name = 'behind' WHERE id = 2")
      expect(names(await read()), JSON.stringify(config)).toStrictEqual(['Grace'])
    }
  })

  it('an expiry already past is valid but caches nothing, and is reported once', async () => {
    const { db, events } = await setup()
    const read = () =>
      db
        .select()
        .from(users)
        .where(eq(users.id, 1))
        .$withCache({ config: { exat: Math.floor(Date.now() / 1000) - 10 } })
    expect(names(await read())).toStrictEqual(['Ada'])
    await behind("UPDATE users SET name = 'behind' WHERE id = 1")
    expect(names(await read())).toStrictEqual(['behind'])
    const misconfigured = events.filter((event) => event.type === 'misconfigured')
    expect(misconfigured).toStrictEqual([
      { type: 'misconfigured', source: 'drizzle', problem: expect.stringMatching(/has passed/), fix: expect.stringMatching(/future/) },
    ])
    expect(events.filter((event) => event.type === 'fill')).toStrictEqual([])
  })

  it('db.$cache.invalidate of an unknown table throws UNKNOWN_TABLE naming the nearest, and bumps nothing', async () => {
    const { db, events } = await setup()
    await rejects(db.$cache.invalidate({ tables: ['postz'] }), 'UNKNOWN_TABLE', /`postz`.*Did you mean `posts`\?/)
    await rejects(db.$cache.invalidate({ tables: ['posts', 'userz'] }), 'UNKNOWN_TABLE', /Did you mean `users`\?/)
    expect(events.filter((event) => event.type === 'invalidate')).toStrictEqual([])
  })

  it('a table created after the catalog was read is found (the catalog is read again once)', async () => {
    const { db, events } = await setup({ strategy: 'all', withSchema: false })
    await db.select().from(users)
    await behind('DROP TABLE IF EXISTS late', 'CREATE TABLE late (id INTEGER PRIMARY KEY)')
    await db.$cache.invalidate({ tables: ['late'] })
    expect(events.filter((event) => event.type === 'invalidate')).toHaveLength(1)
  })

  itInvalidates('a write notification naming a table the catalog does not know never fails the write, and invalidates everything', async () => {
    const events: CacheEvent[] = []
    const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
    // The database's catalog cannot be read, and the schema lacks `codes`: a complete catalog without it.
    const kv = drizzleCache(cache, { schema, strategy: 'all', database: `d1-${crypto.randomUUID()}` })
    const wrapped = drizzle(kv.d1(d1CatalogFault(DB)), { schema, cache: kv })
    // Drizzle (driver not wrapped) sends its own write notification for `codes` to the cache.
    const unwrapped = drizzle(DB, { schema, cache: kv })
    await expectFreshAfterWrite({
      read: () => wrapped.select().from(posts).where(eq(posts.id, 1)),
      direct: () => drizzle(DB).select().from(posts).where(eq(posts.id, 1)),
      changeBehind: () => behind("UPDATE posts SET title = 'behind' WHERE id = 1"),
      write: async () => {
        await behind("UPDATE posts SET title = 'outside' WHERE id = 1")
        await unwrapped.update(codes).set({ name: 'written' }).where(eq(codes.code, 'abc'))
      },
    })
    // The same table through the wrapped driver: its statement is planned, the notification skipped.
    await expect(wrapped.update(codes).set({ name: 'again' }).where(eq(codes.code, 'abc'))).resolves.toBeDefined()
    // Asked for by hand, the same table is refused: a typo must not pass silently.
    await expect(wrapped.$cache.invalidate({ tables: ['codes'] })).rejects.toThrow(/UNKNOWN_TABLE|no such table/)
  })
})

describe('swrSeconds (a binding option, like the other bindings)', () => {
  it('serves a stale entry within the window while it revalidates, then the fresh one', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const { db, events } = await setup({ strategy: 'all', storage: memoryStorage(), ttlSeconds: 1, swrSeconds: 60 })
      const read = () => db.select().from(users).where(eq(users.id, 1))
      expect(names(await read())).toStrictEqual(['Ada'])
      await behind("UPDATE users SET name = 'later' WHERE id = 1")
      vi.setSystemTime(Date.now() + 1_500)
      expect(names(await read())).toStrictEqual(['Ada'])
      expect(events.filter((event) => event.type === 'stale')).toHaveLength(1)
      await vi.waitFor(async () => expect(names(await read())).toStrictEqual(['later']))
    } finally {
      vi.useRealTimers()
    }
  })

  it('without swrSeconds the same entry is a miss once its TTL passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const { db, events } = await setup({ strategy: 'all', storage: memoryStorage(), ttlSeconds: 1 })
      const read = () => db.select().from(users).where(eq(users.id, 1))
      expect(names(await read())).toStrictEqual(['Ada'])
      await behind("UPDATE users SET name = 'later' WHERE id = 1")
      // Within its TTL the entry is served...
      expect(names(await read())).toStrictEqual(['Ada'])
      vi.setSystemTime(Date.now() + 1_500)
      expect(names(await read())).toStrictEqual(['later'])
      expect(events.filter((event) => event.type === 'stale')).toStrictEqual([])
    } finally {
      vi.useRealTimers()
    }
  })
})

function names(rows: { name: string }[]) {
  return rows.map((row) => row.name)
}
