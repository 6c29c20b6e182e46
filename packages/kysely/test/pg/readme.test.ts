import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import type { Kysely } from 'kysely'
import { Miniflare } from 'miniflare'
import { afterAll, expect, it } from 'vitest'
import readme from '../../README.md?raw'
import { database } from './readme-hyperdrive'
import exampleSource from './readme-hyperdrive.ts?raw'
import { connectionString, schemaName, setup, usePostgres, type Database } from './setup'

const pool = usePostgres()
// A real (local) KV namespace for Node, from the same simulator the Workers tests run in.
const miniflare = new Miniflare({ modules: true, script: 'export default {}', kvNamespaces: ['CACHE_KV'] })
afterAll(() => miniflare.dispose())

it('the README shows exactly the Hyperdrive example this test runs', () => {
  expect(readme).toContain(exampleSource.trim())
})

itInvalidates('the README Hyperdrive example caches PostgreSQL reads in KV and serves fresh rows after a write', async () => {
  // What Hyperdrive hands a Worker: a connection string (here, to this run's schema).
  const url = new URL(connectionString())
  url.searchParams.set('options', `-c search_path=${schemaName}`)
  const env = {
    HYPERDRIVE: { connectionString: url.toString() } as Hyperdrive,
    CACHE_KV: (await miniflare.getKVNamespace('CACHE_KV')) as unknown as KVNamespace,
  }
  const pending: Promise<unknown>[] = []
  const ctx = { waitUntil: (promise: Promise<unknown>) => pending.push(promise), passThroughOnException() {} } as unknown as ExecutionContext
  const db = database(env, ctx)
  const { behind } = setup(pool)
  const owners = (on: Kysely<Database>) => on.selectFrom('accounts').select('owner').orderBy('id').execute()
  await expectFreshAfterWrite({
    read: async () => {
      const rows = await owners(db)
      await Promise.all(pending)
      return rows
    },
    direct: () => owners(behind),
    changeBehind: () => pool.query("update accounts set owner = 'behind' where id = 2"),
    write: () => db.updateTable('accounts').set({ owner: 'Ada' }).where('id', '=', 1).execute(),
  })
  expect(await owners(db)).toStrictEqual([{ owner: 'Ada' }, { owner: 'behind' }])
  await Promise.all(pending)
  await db.destroy()
})
