import { createCache, isKvCacheError, memoryStorage } from '@kvcache/core'
import { cached } from '@kvcache/kysely'
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import type { Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import readme from '../../README.md?raw'
import { retitle } from './readme-batch'
import batchSource from './readme-batch.ts?raw'
import { account, editorsPick, frontPage, uncachedHandle } from './readme-control'
import controlSource from './readme-control.ts?raw'
import { database } from './readme-example'
import exampleSource from './readme-example.ts?raw'
import schemaSource from './readme-schema.ts?raw'
import type { Database } from './schema'
import { behindTheCache, DB, KV, resetDatabase, setup } from './setup'

/** The test database has more tables than the README's examples show. */
const asReadme = (db: Kysely<Database>) => db as unknown as Parameters<typeof frontPage>[0]

it('the README shows exactly the examples these tests run', () => {
  for (const source of [exampleSource, schemaSource, controlSource, batchSource]) expect(readme).toContain(source.trim())
})

describe('the README setup on D1', () => {
  const env = { DB, CACHE_KV: KV }
  /** One request of the README's Worker: its own Kysely instance, the events it saw, its waitUntil settled. */
  async function request<T>(run: (db: Kysely<Database>) => Promise<T>): Promise<{ result: T; events: string[] }> {
    const ctx = createExecutionContext()
    const { db, events } = database(env, ctx)
    const result = await run(db as unknown as Kysely<Database>)
    await waitOnExecutionContext(ctx)
    return { result, events }
  }
  const titles = (db: Kysely<Database>) => db.selectFrom('posts').select('title').orderBy('id').execute()

  itInvalidates('caches reads in KV and serves the fresh rows after a write through Kysely', async () => {
    const { behind } = await setup()
    await expectFreshAfterWrite({
      read: async () => (await request(titles)).result,
      direct: () => titles(behind),
      changeBehind: () => behindTheCache("update posts set title = 'behind' where id = 2"),
      write: () => request((db) => db.updateTable('posts').set({ title: 'Hello, again' }).where('id', '=', 1).execute()),
    })
  })

  it("each request's events say what the cache did: a miss, then hits", async () => {
    await resetDatabase()
    const read = (db: Kysely<Database>) => db.selectFrom('posts').select('title').where('id', '=', 2).execute()
    expect((await request(read)).events).toContain('miss')
    expect((await request(read)).events).toStrictEqual(['hit'])
  })

  itInvalidates('the declared view is invalidated by writes to the tables it reads', async () => {
    const { behind } = await setup()
    const view = (db: Kysely<Database>) => db.selectFrom('published_titles').select(['title', 'author']).orderBy('id').execute()
    await expectFreshAfterWrite({
      read: async () => (await request(view)).result,
      direct: () => view(behind),
      changeBehind: () => behindTheCache("update posts set title = 'behind' where id = 2"),
      write: () => request((db) => db.updateTable('users').set({ name: 'Countess' }).where('id', '=', 1).execute()),
    })
  })
})

describe('the README per-query control', () => {
  itInvalidates('cached({ ttlSeconds, tags }) caches under the explicit strategy, and the tag drops it', async () => {
    const { db, behind, cache } = await setup({ strategy: 'explicit' })
    expect(await frontPage(asReadme(db))).toStrictEqual([
      { id: 2, title: 'World' },
      { id: 1, title: 'Hello' },
    ])
    await expectFreshAfterWrite({
      read: () => frontPage(asReadme(db)),
      direct: () => frontPage(asReadme(behind)),
      changeBehind: () => behindTheCache('update posts set views = 100 where id = 1'),
      write: () => editorsPick(cache),
    })
    expect(await frontPage(asReadme(db))).toStrictEqual([
      { id: 1, title: 'Hello' },
      { id: 2, title: 'World' },
    ])
  })

  itInvalidates('after a D1 batch, kyselyCacheInvalidate reaches the by-id reads of the tables named', async () => {
    const { db, behind } = await setup()
    const byId = (on: Kysely<Database>) => on.selectFrom('posts').select('title').where('id', '=', 1).execute()
    await expectFreshAfterWrite({
      read: () => byId(db),
      direct: () => byId(behind),
      changeBehind: () => behindTheCache("update posts set title = 'behind' where id = 1"),
      write: () => retitle({ DB }, asReadme(db), { 1: 'batched', 2: 'also batched' }),
    })
  })

  it('uncached() and an uncached handle always read the database, even with strategy all', async () => {
    const { db, count } = await setup({ strategy: 'all' })
    expect(await account(asReadme(db), 1)).toStrictEqual({ id: 1, name: 'Ada' })
    await DB.prepare("update users set name = 'behind' where id = 1").run()
    expect(await account(asReadme(db), 1)).toStrictEqual({ id: 1, name: 'behind' })
    const handle = uncachedHandle(asReadme(db))
    await handle.selectFrom('users').select('name').execute()
    await DB.prepare("update users set name = 'again' where id = 1").run()
    expect(await handle.selectFrom('users').select('name').where('id', '=', 1).execute()).toStrictEqual([{ name: 'again' }])
    expect(count('hit')).toBe(0)
  })

  it('reads without a mark are not cached under the explicit strategy', async () => {
    const { db, count } = await setup({ strategy: 'explicit' })
    await db.selectFrom('users').select('name').execute()
    await db.selectFrom('users').select('name').execute()
    expect(count('hit') + count('miss')).toBe(0)
  })

  it('the last mark applied wins', async () => {
    const { db, count } = await setup({ strategy: 'explicit' })
    const read = () => uncachedHandle(asReadme(db)).selectFrom('users').select('name').withPlugin(cached()).execute()
    await read()
    await read()
    expect(count('hit')).toBe(1)
  })

  it('marks leave the SQL and its parameters unchanged (D1 allows 100 bound parameters)', async () => {
    const { db } = await setup()
    const plain = db.selectFrom('users').selectAll().where('id', 'in', [1, 2, 3]).compile()
    const marked = db
      .selectFrom('users')
      .selectAll()
      .where('id', 'in', [1, 2, 3])
      .withPlugin(cached({ ttlSeconds: 5 }))
      .compile()
    expect(marked.sql).toBe(plain.sql)
    expect(marked.parameters).toStrictEqual(plain.parameters)
  })
})

describe('bad input fails fast with a KvCacheError naming what is wrong', () => {
  const cache = createCache({ storage: memoryStorage() })
  const fails = (run: () => unknown, code: string, message: string) => {
    let caught: unknown
    try {
      run()
    } catch (error) {
      caught = error
    }
    expect(isKvCacheError(caught)).toBe(true)
    expect((caught as { code: string }).code).toBe(code)
    expect((caught as Error).message).toContain(message)
  }

  it('per-query options', async () => {
    fails(() => cached({ ttlSeconds: -1 }), 'INVALID_OPTION', '`cached().ttlSeconds`')
    fails(() => cached({ ttlSeconds: Number.NaN }), 'INVALID_OPTION', '`cached().ttlSeconds`')
    fails(() => cached({ swrSeconds: -1 }), 'INVALID_OPTION', '`cached().swrSeconds`')
    fails(() => cached({ tags: ['ok', ''] }), 'INVALID_OPTION', '`cached().tags[1]`')
    fails(() => cached({ tags: 'front-page' as never }), 'INVALID_OPTION', '`cached().tags`')
    fails(() => cached({ ttl: 5 } as never), 'UNKNOWN_OPTION', 'Did you mean `ttlSeconds`?')
    fails(() => cached(300 as never), 'INVALID_OPTION', 'cached() must be an object')
  })

  it('a dialect, a cache and options', async () => {
    const { kyselyCache } = await import('../../src')
    const { D1Dialect } = await import('kysely-d1')
    const dialect = new D1Dialect({ database: DB })
    fails(() => kyselyCache({ database: DB } as never, cache), 'INVALID_OPTION', 'needs a Kysely dialect')
    fails(() => kyselyCache(DB as never, cache), 'INVALID_OPTION', 'without createDriver')
    fails(() => kyselyCache(undefined as never, cache), 'INVALID_OPTION', 'got undefined')
    fails(() => kyselyCache(dialect, undefined as never), 'MISSING_BINDING', 'createCache')
    fails(() => kyselyCache(dialect, cache, { strategy: 'some' as never }), 'INVALID_OPTION', '`strategy`')
    fails(() => kyselyCache(dialect, cache, { ttlSeconds: 0 }), 'INVALID_OPTION', '`ttlSeconds`')
    fails(() => kyselyCache(dialect, cache, { database: '' }), 'INVALID_OPTION', '`database`')
    fails(() => kyselyCache(dialect, cache, { cache: true } as never), 'UNKNOWN_OPTION', '`cache`')
    fails(() => kyselyCache(dialect, cache, { catalog: 'yes' as never }), 'INVALID_OPTION', '`catalog`')
    fails(() => kyselyCache(dialect, cache, { schema: [] as never }), 'INVALID_OPTION', '`schema`')
    fails(() => kyselyCache(dialect, cache, { schema: { views: { v: 'posts' } } as never }), 'INVALID_OPTION', '`schema`')
  })
})
