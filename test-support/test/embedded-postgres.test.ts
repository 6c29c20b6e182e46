// The embedded path runs in every test run, not only on machines without PostgreSQL (CI's machine has one).
import { existsSync } from 'node:fs'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { startEmbeddedPostgres, type EmbeddedServer } from '../embedded-postgres.ts'
import setup from '../postgres-setup.ts'

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
  await client.connect()
  try {
    return (await client.query(sql)).rows
  } finally {
    await client.end()
  }
}

/** What the globalSetup exported (a function, so TypeScript does not narrow it from an earlier `delete`). */
function exported(): string {
  const url = process.env.DATABASE_URL
  if (!url) throw new Error('the globalSetup exported no DATABASE_URL')
  return url
}

const started: EmbeddedServer[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()))
})

describe('embedded PostgreSQL', () => {
  it('two servers at once: own ports, own data, database `test`; stop() closes the port and deletes the data', async () => {
    const [a, b] = await Promise.all([startEmbeddedPostgres(), startEmbeddedPostgres()])
    started.push(a, b)
    expect(new URL(a.url).port).not.toBe(new URL(b.url).port)
    expect(await query(a.url, 'SELECT current_database() AS name')).toStrictEqual([{ name: 'test' }])

    await query(a.url, `CREATE TABLE only_in_a (value text); INSERT INTO only_in_a VALUES ('a')`)
    expect(await query(a.url, 'SELECT value FROM only_in_a')).toStrictEqual([{ value: 'a' }])
    await expect(query(b.url, 'SELECT value FROM only_in_a')).rejects.toThrow(/only_in_a/)

    await a.stop()
    expect(existsSync(a.dataDirectory)).toBe(false)
    await expect(query(a.url, 'SELECT 1')).rejects.toThrow()
    expect(await query(b.url, 'SELECT 1 AS one')).toStrictEqual([{ one: 1 }])
  }, 120_000)
})

describe('the globalSetup', () => {
  const saved = { url: process.env.DATABASE_URL, port: process.env.KVCACHE_TEST_PG_PORT }
  afterEach(() => {
    for (const [name, value] of [
      ['DATABASE_URL', saved.url],
      ['KVCACHE_TEST_PG_PORT', saved.port],
    ] as const) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })

  it('with nothing answering where it looks, starts an embedded server, exports its URL, and stops it in teardown', async () => {
    delete process.env.DATABASE_URL
    process.env.KVCACHE_TEST_PG_PORT = '1' // nothing listens on port 1
    const teardown = await setup()
    const url = exported()
    expect(url).toMatch(/^postgres:\/\/postgres:[0-9a-f]+@127\.0\.0\.1:\d+\/test$/)
    expect(await query(url, 'SELECT current_database() AS name')).toStrictEqual([{ name: 'test' }])
    await teardown?.()
    expect(process.env.DATABASE_URL).toBeUndefined()
    await expect(query(url, 'SELECT 1')).rejects.toThrow()
  }, 120_000)

  it('leaves a DATABASE_URL set by the caller alone, and starts nothing', async () => {
    process.env.DATABASE_URL = 'postgres://someone@db.invalid:5432/theirs'
    expect(await setup()).toBeUndefined()
    expect(process.env.DATABASE_URL).toBe('postgres://someone@db.invalid:5432/theirs')
  })
})
