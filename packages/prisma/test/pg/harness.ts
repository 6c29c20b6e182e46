import { createCache, memoryStorage, type CacheEvent, type Storage } from '@kvcache/core'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { afterAll } from 'vitest'
import { prismaCodecs, withKvCache, type WithKvCacheOptions } from '../../src'
import { Prisma, PrismaClient } from '../.generated/pg/client/client.ts'
import { models } from '../.generated/pg/kvcache/models.js'
import { ddl } from '../setup/schema'
import type { Harness, HarnessOptions } from '../shared/harness'

// A schema of its own per run (dropped at the end), so concurrent runs never collide.
const schema = `kvc_prisma_${Math.random().toString(36).slice(2, 10)}`
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', max: 4 })
const clients: { $disconnect(): Promise<void> }[] = []

afterAll(async () => {
  await Promise.all(clients.map((client) => client.$disconnect()))
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await pool.end()
})

async function resetDatabase(): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await pool.query(`CREATE SCHEMA ${schema}`)
  for (const statement of ddl('pg')) await pool.query(`SET search_path TO ${schema}; ${statement}`)
}

function client(): any {
  const created = new PrismaClient({ adapter: new PrismaPg(pool, { schema }) })
  clients.push(created)
  return created
}

/** A fresh PostgreSQL schema, a Prisma client through the cache, and one straight to the database. */
export async function pgHarness(options: HarnessOptions = {}): Promise<Harness> {
  await resetDatabase()
  const events: CacheEvent[] = []
  const storage: Storage = options.storage?.(memoryStorage()) ?? memoryStorage()
  const cache = createCache({ storage, onEvent: (event) => events.push(event), codecExtensions: prismaCodecs(Prisma) })
  const bindingOptions: WithKvCacheOptions = { ...(options.withModels === false ? {} : { models }), ...options.binding }
  const plain = client()
  const prisma = plain.$extends(withKvCache(cache, bindingOptions))
  return { flavor: 'pg', prisma, behind: client(), plain, cache, events, Prisma, models, close: async () => undefined }
}
