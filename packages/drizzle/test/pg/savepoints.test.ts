// Savepoints in real Drizzle transactions on PostgreSQL (node-postgres Pool): Drizzle's nested
// `tx.transaction` sends SAVEPOINT / ROLLBACK TO / RELEASE through the wrapped driver, and the
// core transaction buffer drops the writes of a savepoint rolled back to. Core's table of
// histories runs here too.
import { createCache, memoryStorage, type CacheEvent } from '@kvcache/core'
import { dependencyScopes } from '@kvcache/core/binding'
import { qualifyScope } from '@kvcache/core/storage'
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { eq, sql } from 'drizzle-orm'
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import { integer, pgSchema, text } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { drizzleCache } from '../../src'
import { HISTORIES, lettersOf, runHistory as runHistoryWith, startsWithBegin, type History } from '../savepoint-histories'

const schemaName = `kvc_sp_${Math.random().toString(36).slice(2, 10)}`
const letters = pgSchema(schemaName).table('letters', { name: text('name').primaryKey(), v: integer('v').notNull() })
const ALL = ['a', 'b', 'c', 'd', 'e']

const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) throw new Error('DATABASE_URL is unset: the pg project in vitest.config.ts must list postgresGlobalSetup')
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 })

beforeAll(async () => {
  await pool.query(`CREATE SCHEMA ${schemaName}`)
  await pool.query(`CREATE TABLE ${schemaName}.letters (name text PRIMARY KEY, v integer NOT NULL)`)
})
afterAll(async () => {
  await pool.query(`DROP SCHEMA ${schemaName} CASCADE`)
  await pool.end()
})
beforeEach(async () => {
  await pool.query(`TRUNCATE ${schemaName}.letters`)
  await pool.query(`INSERT INTO ${schemaName}.letters VALUES ${ALL.map((letter) => `('${letter}', 0)`).join(', ')}`)
})

function setup() {
  const events: CacheEvent[] = []
  const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
  const kv = drizzleCache(cache, { strategy: 'all', database: `pg-${crypto.randomUUID()}` })
  const db = drizzle({ client: kv.pg(pool), cache: kv })
  const plain = drizzle({ client: pool })
  const read = (on: NodePgDatabase, letter: string) => on.select().from(letters).where(eq(letters.name, letter))
  const write = (on: NodePgDatabase, letter: string) =>
    on
      .update(letters)
      .set({ v: sql`${letters.v} + 1` })
      .where(eq(letters.name, letter))
  const behind = (names: readonly string[]) => pool.query(`UPDATE ${schemaName}.letters SET v = v + 100 WHERE name = ANY($1)`, [names])
  /** Scopes bumped since the last call (from `invalidate` events). */
  let seen = 0
  const bumped = () => {
    const scopes = events.slice(seen).flatMap((event) => (event.type === 'invalidate' ? event.scopes : []))
    seen = events.length
    return new Set(scopes)
  }
  return { db, plain, read, write, behind, bumped, events }
}

/** What a by-key read of `letter` depends on, as invalidate events name it: none of it may be bumped when its write rolled back. */
const readScopes = (letter: string) =>
  dependencyScopes([{ kind: 'rows', table: `${schemaName}.letters`, rows: [{ values: [letter], types: ['text'] }] }]).map((scope) =>
    qualifyScope(undefined, scope),
  )

/** Runs a history through `db.transaction` on PostgreSQL, writing with `write`. */
const runHistory = (db: NodePgDatabase, history: History, write: (on: NodePgDatabase, letter: string) => Promise<unknown>) =>
  runHistoryWith(
    {
      transaction: (body) => db.transaction((tx) => body(tx as unknown as NodePgDatabase & { rollback(): never })),
      write: (tx: NodePgDatabase, letter) => write(tx, letter),
      sql: (tx: NodePgDatabase, text) => tx.execute(sql.raw(text)),
    },
    history,
  )

describe("core's savepoint histories, through db.transaction on PostgreSQL", () => {
  for (const history of HISTORIES) {
    const refused = history.refusedBy?.postgres
    if (refused) {
      // A history that opens without BEGIN cannot be written with db.transaction (it always begins): nothing to run.
      if (!startsWithBegin(history)) continue
      it(`${history.name}: the database refuses it (${refused})`, async () => {
        const t = setup()
        await expect(runHistory(t.db, history, t.write)).rejects.toThrow()
      })
      continue
    }
    const rolledBack = lettersOf(history).filter((letter) => !history.expected.includes(letter))
    const verify = async (t: ReturnType<typeof setup>) => {
      // Every row read through the cache is what PostgreSQL holds...
      for (const letter of ALL) expect(await t.read(t.db, letter), letter).toStrictEqual(await t.read(t.plain, letter))
      // ...and nothing a read of a rolled-back write depends on was bumped.
      const bumped = t.bumped()
      for (const letter of rolledBack) for (const scope of readScopes(letter)) expect(bumped.has(scope), `${letter}: ${scope}`).toBe(false)
      // The same check sees the committed letters' rows bumped: it names scopes as the events do.
      for (const letter of history.expected)
        expect(
          readScopes(letter).some((scope) => bumped.has(scope)),
          letter,
        ).toBe(true)
    }
    if (history.expected.length === 0) {
      it(history.name, async () => {
        const t = setup()
        for (const letter of ALL) await t.read(t.db, letter)
        t.bumped()
        await runHistory(t.db, history, t.write)
        await verify(t)
      })
      continue
    }
    itInvalidates(history.name, async () => {
      const t = setup()
      const committed = () => Promise.all(history.expected.map((letter) => t.read(t.db, letter)))
      for (const letter of ALL) await t.read(t.db, letter)
      await expectFreshAfterWrite({
        read: committed,
        direct: () => Promise.all(history.expected.map((letter) => t.read(t.plain, letter))),
        changeBehind: () => t.behind(history.expected),
        write: async () => {
          t.bumped()
          await runHistory(t.db, history, t.write)
        },
      })
      await verify(t)
    })
  }
})

describe('nested db.transaction (Drizzle sends the savepoints itself)', () => {
  itInvalidates('a nested transaction that throws: its writes are dropped, the outer ones published on commit', async () => {
    const t = setup()
    await t.read(t.db, 'b')
    await expectFreshAfterWrite({
      read: () => t.read(t.db, 'a'),
      direct: () => t.read(t.plain, 'a'),
      changeBehind: () => t.behind(['a']),
      write: async () => {
        t.bumped()
        await t.db.transaction(async (tx) => {
          await t.write(tx as unknown as NodePgDatabase, 'a')
          await expect(
            tx.transaction(async (nested) => {
              await t.write(nested as unknown as NodePgDatabase, 'b')
              throw new Error('roll back to the savepoint')
            }),
          ).rejects.toThrow('roll back to the savepoint')
        })
      },
    })
    const bumped = t.bumped()
    for (const scope of readScopes('b')) expect(bumped.has(scope), scope).toBe(false)
    expect(await t.read(t.db, 'b')).toStrictEqual(await t.read(t.plain, 'b'))
  })

  itInvalidates('a nested transaction that returns: its writes are released into the outer one and published on commit', async () => {
    const t = setup()
    await expectFreshAfterWrite({
      read: () => Promise.all([t.read(t.db, 'a'), t.read(t.db, 'b')]),
      direct: () => Promise.all([t.read(t.plain, 'a'), t.read(t.plain, 'b')]),
      changeBehind: () => t.behind(['a', 'b']),
      write: () =>
        t.db.transaction(async (tx) => {
          await t.write(tx as unknown as NodePgDatabase, 'a')
          await tx.transaction(async (nested) => {
            await t.write(nested as unknown as NodePgDatabase, 'b')
          })
          // Nothing is published before COMMIT.
          expect(t.bumped().size).toBe(0)
        }),
    })
  })
})
