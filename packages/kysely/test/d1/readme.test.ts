import { createCache, isKvCacheError, memoryStorage } from '@kvcache/core'
import { cached } from '@kvcache/kysely'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import readme from '../../README.md?raw'
import { account, editorsPick, frontPage, uncachedHandle } from './readme-control'
import controlSource from './readme-control.ts?raw'
import { database } from './readme-example'
import exampleSource from './readme-example.ts?raw'
import { DB, KV, resetDatabase, setup } from './setup'

it('the README shows exactly the examples these tests run', () => {
  expect(readme).toContain(exampleSource.trim())
  expect(readme).toContain(controlSource.trim())
})

describe('the README setup on D1', () => {
  it('caches reads in KV and serves the fresh rows after a write through Kysely', async () => {
    await resetDatabase()
    const env = { DB, CACHE_KV: KV }
    const ctx = createExecutionContext()
    const db = database(env, ctx)
    const titles = () => db.selectFrom('posts').select('title').orderBy('id').execute()
    expect(await titles()).toStrictEqual([{ title: 'Hello' }, { title: 'World' }])
    await waitOnExecutionContext(ctx)

    // Changed behind the cache's back: the next request is still served the cached rows.
    await DB.prepare("update posts set title = 'behind' where id = 2").run()
    const next = createExecutionContext()
    const again = database(env, next)
    expect(await again.selectFrom('posts').select('title').orderBy('id').execute()).toStrictEqual([{ title: 'Hello' }, { title: 'World' }])
    // A write through Kysely invalidates: the next read is fresh.
    await again.updateTable('posts').set({ title: 'Hello, again' }).where('id', '=', 1).execute()
    expect(await again.selectFrom('posts').select('title').orderBy('id').execute()).toStrictEqual([{ title: 'Hello, again' }, { title: 'behind' }])
    // The declared view is invalidated by writes to the tables it reads.
    const view = () => again.selectFrom('published_titles').select('author').orderBy('id').execute()
    expect(await view()).toStrictEqual([{ author: 'Ada' }, { author: 'Grace' }])
    await again.updateTable('users').set({ name: 'Countess' }).where('id', '=', 1).execute()
    expect(await view()).toStrictEqual([{ author: 'Countess' }, { author: 'Grace' }])
    await waitOnExecutionContext(next)
  })
})

describe('the README per-query control', () => {
  it('cached({ ttlSeconds, tags }) caches under the explicit strategy, and the tag drops it', async () => {
    const { db, cache, count } = await setup({ strategy: 'explicit' })
    expect(await frontPage(db)).toStrictEqual([{ id: 2, title: 'World' }, { id: 1, title: 'Hello' }])
    await DB.prepare('update posts set views = 100 where id = 1').run()
    expect(await frontPage(db)).toStrictEqual([{ id: 2, title: 'World' }, { id: 1, title: 'Hello' }])
    expect(count('hit')).toBe(1)
    await editorsPick(cache)
    expect(await frontPage(db)).toStrictEqual([{ id: 1, title: 'Hello' }, { id: 2, title: 'World' }])
  })

  it('uncached() and an uncached handle always read the database, even with strategy all', async () => {
    const { db, count } = await setup({ strategy: 'all' })
    expect(await account(db, 1)).toStrictEqual({ id: 1, name: 'Ada' })
    await DB.prepare("update users set name = 'behind' where id = 1").run()
    expect(await account(db, 1)).toStrictEqual({ id: 1, name: 'behind' })
    const handle = uncachedHandle(db)
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
    const read = () => uncachedHandle(db).selectFrom('users').select('name').withPlugin(cached()).execute()
    await read()
    await read()
    expect(count('hit')).toBe(1)
  })

  it('marks leave the SQL and its parameters unchanged (D1 allows 100 bound parameters)', async () => {
    const { db } = await setup()
    const plain = db.selectFrom('users').selectAll().where('id', 'in', [1, 2, 3]).compile()
    const marked = db.selectFrom('users').selectAll().where('id', 'in', [1, 2, 3]).withPlugin(cached({ ttlSeconds: 5 })).compile()
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
    fails(() => cached({ ttl: 5 } as never), 'UNKNOWN_OPTION', '`ttl`')
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
