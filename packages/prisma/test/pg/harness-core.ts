import { createCache, memoryStorage, type CacheEvent, type Storage } from '@kvcache/core'
import pg from 'pg'
import { afterAll } from 'vitest'
import { prismaCodecs, withKvCache, type KvCacheModels, type PrismaNamespaceLike, type WithKvCacheOptions } from '../../src'
import { ddl } from '../setup/schema'
import type { Harness, HarnessOptions, MakeHarness } from '../shared/harness'

/** One generated client (per Prisma version) and its adapter. */
export interface PgClientKit {
  readonly PrismaClient: new (options: { adapter: unknown; transactionOptions?: { maxWait: number; timeout: number } }) => any
  readonly Prisma: PrismaNamespaceLike
  readonly models: KvCacheModels
  readonly PrismaPg: new (pool: pg.Pool, options: { schema: string }) => unknown
}

/**
 * A harness factory over one PostgreSQL schema of its own per test file (dropped at the end),
 * so concurrent runs never collide.
 */
export function pgHarnessFor(kit: PgClientKit): MakeHarness {
  const schema = `kvc_prisma_${Math.random().toString(36).slice(2, 10)}`
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', max: 4 })
  const clients: { $disconnect(): Promise<void> }[] = []
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.$disconnect()))
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await pool.end()
  })
  const client = () => {
    // Prisma's interactive transactions give up after 2 s waiting to start and 5 s running, by the
    // wall clock: a loaded machine is not a failure. Only a hang should fail a test.
    const created = new kit.PrismaClient({ adapter: new kit.PrismaPg(pool, { schema }), transactionOptions: { maxWait: 20_000, timeout: 30_000 } })
    clients.push(created)
    return created
  }
  return async (options: HarnessOptions = {}): Promise<Harness> => {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await pool.query(`CREATE SCHEMA ${schema}`)
    for (const statement of ddl('pg')) await pool.query(`SET search_path TO ${schema}; ${statement}`)
    const events: CacheEvent[] = []
    const storage: Storage = options.storage?.(memoryStorage()) ?? memoryStorage()
    const cache = createCache({
      storage,
      onEvent: (event) => events.push(event),
      codecExtensions: prismaCodecs(kit.Prisma),
      ...(options.now && { now: options.now }),
    })
    const bindingOptions: WithKvCacheOptions = { ...(options.withModels === false ? {} : { models: kit.models }), ...options.binding }
    const plain = client()
    const prisma = plain.$extends(withKvCache(cache, bindingOptions))
    return { flavor: 'pg', prisma, behind: client(), plain, cache, events, Prisma: kit.Prisma, models: kit.models, close: async () => undefined }
  }
}
