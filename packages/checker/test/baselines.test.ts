import { describe, it } from 'vitest'
import { invalidateFirst, runRow, sharedIndex, skewedTimestamps } from '../src'
import { expectCaught, SEEDS } from './helpers'

// The default world (ten simulated minutes); a baseline run takes a fraction of a second.
describe('the checker catches each baseline design', () => {
  it('cache-aside with a shared table index in KV (entries outlive the writes that should delete them)', async () => {
    expectCaught(await runRow(sharedIndex, SEEDS))
  })

  it('invalidate before write (a concurrent miss refills the old value)', async () => {
    expectCaught(await runRow(invalidateFirst, SEEDS))
  })

  it('timestamp tags written from skewed clocks (an entry from a fast clock outlives a write from a slow one)', async () => {
    expectCaught(await runRow(skewedTimestamps, SEEDS))
  })
})
