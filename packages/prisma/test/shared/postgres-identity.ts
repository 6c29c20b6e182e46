// Finding 4 of issue 17: two databases behind one KV namespace must never answer each other's reads.
import { createCache, isKvCacheError, memoryStorage, type CacheEvent } from '@kvcache/core'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prismaCodecs, withKvCache } from '../../src'
import type { PgClientKit } from '../pg/harness-core'
import { ddl } from '../setup/schema'

/** Creating or dropping two databases: generous, since only a hang should fail the hooks. */
const DATABASE_HOOK_TIMEOUT_MS = 120_000

const users = (client: any) => client.user.findMany({ orderBy: { id: 'asc' }, select: { email: true }, cacheStrategy: { ttl: 60 } })

/** Two real databases on the test server (created here, dropped after), and two schemas of the first. */
export function postgresIdentity(kit: PgClientKit): void {
  describe('two PostgreSQL databases behind one cache', () => {
    const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
    const suffix = Math.random().toString(36).slice(2, 10)
    const names = [`kvc_prisma_one_${suffix}`, `kvc_prisma_two_${suffix}`] as const
    const admin = new pg.Pool({ connectionString: url.href, max: 1 })
    const pools: pg.Pool[] = []
    const clients: { $disconnect(): Promise<void> }[] = []
    const poolOf = (database: string) => {
      const pool = new pg.Pool({ connectionString: Object.assign(new URL(url.href), { pathname: `/${database}` }).href, max: 2 })
      // pg's `pool.end()` resolves before its sockets have closed, so `DROP DATABASE ... WITH (FORCE)`
      // below can still terminate one: expected at teardown, so neither the pool nor a connection may throw it.
      const ignore = () => {}
      pool.on('error', ignore)
      pool.on('connect', (connection) => connection.on('error', ignore))
      pools.push(pool)
      return pool
    }

    // CREATE and DROP DATABASE each force a checkpoint: seconds on a loaded machine. Only a hang fails these hooks.
    beforeAll(async () => {
      for (const [index, name] of names.entries()) {
        await admin.query(`CREATE DATABASE ${name}`)
        const pool = poolOf(name)
        for (const statement of ddl('pg')) await pool.query(statement)
        await pool.query(`INSERT INTO "users" ("email") VALUES ($1)`, [`${index === 0 ? 'one' : 'two'}@example.com`])
        for (const schema of ['left', 'right']) {
          await pool.query(`CREATE SCHEMA "${schema}"`)
          for (const statement of ddl('pg')) await pool.query(`SET search_path TO "${schema}"; ${statement}`)
          await pool.query(`INSERT INTO "${schema}"."users" ("email") VALUES ($1)`, [`${schema}@example.com`])
        }
      }
    }, DATABASE_HOOK_TIMEOUT_MS)
    afterAll(async () => {
      await Promise.all(clients.map((client) => client.$disconnect()))
      await Promise.all(pools.map((pool) => pool.end()))
      for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.end()
    }, DATABASE_HOOK_TIMEOUT_MS)

    const setup = () => {
      const events: CacheEvent[] = []
      const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event), codecExtensions: prismaCodecs(kit.Prisma) })
      const client = (pool: pg.Pool, options: { database?: string; schema?: string } = {}) => {
        const base = new kit.PrismaClient({ adapter: new kit.PrismaPg(pool, options.schema ? { schema: options.schema } : (undefined as never)) })
        clients.push(base)
        return base.$extends(withKvCache(cache, { models: kit.models, ...(options.database ? { database: options.database } : {}) }))
      }
      const hits = () => events.filter((event) => event.type === 'hit').length
      return { client, hits }
    }

    it('names each database from its connection settings: the same query returns each its own rows, hits included', async () => {
      const { client, hits } = setup()
      const one = client(poolOf(names[0]))
      const two = client(poolOf(names[1]))
      expect(await users(one)).toStrictEqual([{ email: 'one@example.com' }])
      expect(await users(two)).toStrictEqual([{ email: 'two@example.com' }])
      const before = hits()
      expect(await users(one)).toStrictEqual([{ email: 'one@example.com' }])
      expect(await users(two)).toStrictEqual([{ email: 'two@example.com' }])
      expect(hits()).toBe(before + 2)
    })

    it("and each schema of the adapter's `schema` option its own rows", async () => {
      const { client, hits } = setup()
      const pool = poolOf(names[0])
      const left = client(pool, { schema: 'left' })
      const right = client(pool, { schema: 'right' })
      expect(await users(left)).toStrictEqual([{ email: 'left@example.com' }])
      expect(await users(right)).toStrictEqual([{ email: 'right@example.com' }])
      const before = hits()
      expect(await users(left)).toStrictEqual([{ email: 'left@example.com' }])
      expect(await users(right)).toStrictEqual([{ email: 'right@example.com' }])
      expect(hits()).toBe(before + 2)
    })

    it('two databases given one `database` name fail fast with DATABASE_CONFLICT', () => {
      const { client } = setup()
      client(poolOf(names[0]), { database: 'main' })
      let error: unknown
      try {
        client(poolOf(names[1]), { database: 'main' })
      } catch (caught) {
        error = caught
      }
      expect(isKvCacheError(error, 'DATABASE_CONFLICT')).toBe(true)
      expect(String((error as Error).message)).toContain('`database`')
    })
  })
}
