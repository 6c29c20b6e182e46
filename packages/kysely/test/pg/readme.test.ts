import { Miniflare } from 'miniflare'
import { afterAll, expect, it } from 'vitest'
import readme from '../../README.md?raw'
import { database } from './readme-hyperdrive'
import exampleSource from './readme-hyperdrive.ts?raw'
import { connectionString, schemaName, usePostgres } from './setup'

const pool = usePostgres()
// A real (local) KV namespace for Node, from the same simulator the Workers tests run in.
const miniflare = new Miniflare({ modules: true, script: 'export default {}', kvNamespaces: ['CACHE_KV'] })
afterAll(() => miniflare.dispose())

it('the README shows exactly the Hyperdrive example this test runs', () => {
  expect(readme).toContain(exampleSource.trim())
})

it('the README Hyperdrive example caches PostgreSQL reads in KV and serves fresh rows after a write', async () => {
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
  const owners = () => db.selectFrom('accounts').select('owner').orderBy('id').execute()
  expect(await owners()).toStrictEqual([{ owner: 'ada' }, { owner: 'grace' }])
  await Promise.all(pending)
  await pool.query("update accounts set owner = 'behind' where id = 2")
  expect(await owners()).toStrictEqual([{ owner: 'ada' }, { owner: 'grace' }])
  await db.updateTable('accounts').set({ owner: 'Ada' }).where('id', '=', 1).execute()
  expect(await owners()).toStrictEqual([{ owner: 'Ada' }, { owner: 'behind' }])
  await Promise.all(pending)
  await db.destroy()
})
