// Issue 18: through Hyperdrive, whose query cache answers up to 75 s behind writes by default, a read
// right after a write must not be stored (it may be Hyperdrive's pre-write answer). Real PostgreSQL:
// the pool's connection string names a Hyperdrive host, as `env.HYPERDRIVE.connectionString` does in
// a Worker, and its sockets are routed to the test server (Hyperdrive's own cache is not simulated).
import net from 'node:net'
import { createCache, memoryStorage, type CacheEvent } from '@kvcache/core'
import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import { integer, pgSchema, text } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest'
import { drizzleCache } from '../../src'

const schemaName = `kvc_hd_${Math.random().toString(36).slice(2, 10)}`
const posts = pgSchema(schemaName).table('posts', { id: integer('id').primaryKey(), title: text('title').notNull() })
const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
const direct = new pg.Pool({ connectionString: server.href, max: 2 })

/** A pool as a Worker builds it from `env.HYPERDRIVE.connectionString`, connecting to the test server. */
function hyperdrivePool() {
  const url = new URL(server.href)
  url.hostname = 'a1b2c3d4e5f6.hyperdrive.local'
  url.port = '5432'
  class ToTestServer extends net.Socket {
    override connect(...args: unknown[]): this {
      void args
      return super.connect(Number(server.port || 5432), server.hostname)
    }
  }
  return new pg.Pool({ connectionString: url.href, max: 2, stream: () => new ToTestServer() })
}

const pools: pg.Pool[] = []
beforeAll(async () => {
  await direct.query(`CREATE SCHEMA ${schemaName}`)
  await direct.query(`CREATE TABLE ${schemaName}.posts (id integer PRIMARY KEY, title text NOT NULL)`)
})
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()))
  await direct.query(`DROP SCHEMA ${schemaName} CASCADE`)
  await direct.end()
})
beforeEach(async () => {
  await direct.query(`TRUNCATE ${schemaName}.posts`)
  await direct.query(`INSERT INTO ${schemaName}.posts VALUES (1, 'v0')`)
})

function setup(options: { sourceLagSeconds?: number } = {}) {
  const events: CacheEvent[] = []
  const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
  const pool = hyperdrivePool()
  pools.push(pool)
  const kv = drizzleCache(cache, { strategy: 'all', ...options })
  const db = drizzle({ client: kv.pg(pool), cache: kv })
  const read = async () => (await db.select({ title: posts.title }).from(posts).where(eq(posts.id, 1)))[0]?.title
  const write = (title: string) => db.update(posts).set({ title }).where(eq(posts.id, 1))
  const behind = (title: string) => direct.query(`UPDATE ${schemaName}.posts SET title = $1 WHERE id = 1`, [title])
  return { read, write, behind, events }
}

it("through Hyperdrive, a read within Hyperdrive's cache lag of a write to its table is served but not stored; said once on the console", async () => {
  const info = vi.spyOn(console, 'info').mockImplementation(() => {})
  const { read, write, behind, events } = setup()
  expect(await read()).toBe('v0')
  await behind('v0 behind the cache')
  expect(await read()).toBe('v0')

  await write('v1')
  expect(await read()).toBe('v1')
  expect(events.filter((event) => event.type === 'skip').at(-1)).toMatchObject({ reason: 'source-lag' })
  // Not stored: the database's next answer is what the next read gets.
  await behind('v2 behind the cache')
  expect(await read()).toBe('v2 behind the cache')
  expect(info.mock.calls.filter(([message]) => String(message).includes('Hyperdrive'))).toHaveLength(1)
  info.mockRestore()
})

it('`sourceLagSeconds: 0` (a Hyperdrive configuration with caching disabled) caches right after a write again', async () => {
  const { read, write, behind } = setup({ sourceLagSeconds: 0 })
  expect(await read()).toBe('v0')
  await write('v1')
  expect(await read()).toBe('v1')
  await behind('v1 behind the cache')
  expect(await read()).toBe('v1')
})
