// A read whose result changes without a write (the clock, a random number) is never cached. Raw
// fragments inside a builder are read by the core's SQL reader: the same volatile-function list as
// whole statements, `datetime('now')` and `current_timestamp` included.
import { cached } from '@kvcache/kysely'
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { describe, expect, it } from 'vitest'
import type { Database } from './schema'
import { behindTheCache, setup } from './setup'

const VOLATILE: Record<string, RawBuilder<unknown>> = {
  "datetime('now')": sql`datetime('now')`,
  'random()': sql`random()`,
  current_timestamp: sql`current_timestamp`,
  "strftime('%s','now')": sql`strftime('%s','now')`,
}

const titleOf = (db: Kysely<Database>, extra?: RawBuilder<unknown>) =>
  db
    .selectFrom('posts')
    .select(extra ? ['title', extra.as('extra')] : ['title'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow() as Promise<{ title: string }>

describe('a builder read selecting a volatile raw fragment is not cached (D1)', () => {
  for (const [text, fragment] of Object.entries(VOLATILE)) {
    it(`sql\`${text}\`: every read goes to the database, reported as a bypass`, async () => {
      const { db, count, events } = await setup()
      expect((await titleOf(db, fragment)).title).toBe('Hello')
      await behindTheCache("update posts set title = 'behind' where id = 1")
      expect((await titleOf(db, fragment)).title).toBe('behind')
      expect(count('hit') + count('miss')).toBe(0)
      expect(events).toContainEqual(expect.objectContaining({ type: 'skip', reason: 'bypass', detail: expect.stringContaining('function') }))
    })
  }

  it('the same read without the fragment is cached', async () => {
    const { db, count } = await setup()
    expect((await titleOf(db)).title).toBe('Hello')
    await behindTheCache("update posts set title = 'behind' where id = 1")
    expect((await titleOf(db)).title).toBe('Hello')
    expect(count('hit')).toBe(1)
  })

  it('cached() on such a read is a setup mistake: reported as misconfigured, and still not cached', async () => {
    const { db, events } = await setup({ strategy: 'explicit' })
    const read = () =>
      db
        .selectFrom('posts')
        .select(['title', sql`datetime('now')`.as('now')])
        .withPlugin(cached({ ttlSeconds: 60 }))
        .execute()
    await read()
    await behindTheCache("update posts set title = 'behind' where id = 1")
    expect((await read())[0]?.title).toBe('behind')
    expect(events.filter((event) => event.type === 'misconfigured')).toStrictEqual([
      expect.objectContaining({ source: 'kysely', problem: expect.stringContaining('cached() was applied to a read that is never cached') }),
      expect.objectContaining({ source: 'kysely' }),
    ])
  })
})
