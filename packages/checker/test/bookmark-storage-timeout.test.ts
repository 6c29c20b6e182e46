// Found by the checker (bench/consistency, KV stamps + session bookmark, seed 5): a read whose entry
// read times out is answered by the database, but the view's bookmark does not advance, so the
// client's next request is served an older entry: a monotonic-read violation. Fails until the
// core records a stamp for reads answered on the storage-error path (read-path.ts `lookup`).
import { isStampKey } from '@kvcache/core/storage'
import { expect, it } from 'vitest'
import { kvBookmark, rowOf, runScript } from '../src'
import { expectWithinBound } from './helpers'

const X = { client: 0, location: 0, isolate: 0 }
const X2 = { client: 0, location: 0, isolate: 1 } // the same client, its next request on another isolate
const Y = { client: 1, location: 0, isolate: 1 }
const Z = { client: 2, location: 1, isolate: 0 }

it('a client that read a newer value from the database (storage timed out) is never served an older entry next', async () => {
  const values: string[] = []
  const result = await runScript(
    kvBookmark,
    1,
    async ({ read, write, sleep, world }) => {
      await write(X, 'k0', 'k0=v1')
      await read(Y, 'k0', 1) // Y caches v1 under query 1, after X's write
      await sleep(2000)
      await write(Z, 'k0', 'k0=v2') // elsewhere: location 0 keeps the older stamp for up to cacheTtl
      // X's next entry read is slow (1.5 s, past the 1 s budget): the database answers, with v2.
      world.kv.holdNext('read', X.location, (key) => !isStampKey(key), 1500)
      values.push(await read(X, 'k0', 0))
      await sleep(1000)
      values.push(await read(X2, 'k0', 1)) // served Y's entry of v1: older than what X just read
      await sleep(60_000)
    },
    { durationMs: 90_000 },
  )
  expect(values[0]).toBe('k0=v2') // the database answered the timed-out read
  expectWithinBound(rowOf(kvBookmark, [result]))
})
