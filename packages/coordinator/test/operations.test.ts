import { env } from 'cloudflare:workers'
import { createCache, createMetrics, type MetricsSnapshot } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { describe, expect, it } from 'vitest'
import { durableObjectVersions } from '../src'
import { countingNamespace, fakeTable, unique } from './helpers'

const post = { rows: [{ table: 'posts', pk: 1 }] }

/** Calls per kind to one storage, from a snapshot. */
const callsTo = (snapshot: MetricsSnapshot, storage: string) =>
  Object.fromEntries(snapshot.operations.filter((row) => row.storage === storage).map((row) => [row.kind, row.calls]))

describe('storage operations with the coordinator', () => {
  it("a request's metrics count each call to the coordinator (reads and bumps) beside its KV calls", async () => {
    const prefix = unique('operations')
    const coordinator = countingNamespace(env.KVCACHE_COORDINATOR)
    const cache = createCache({ storage: kvStorage(env.KV), prefix, versions: durableObjectVersions(coordinator.namespace, { prefix }) })
    const table = fakeTable({ title: 'v1' })

    const reading = createMetrics()
    expect(await cache.withContext({ onEvent: reading.onEvent }).wrap('post', table.load, post)).toStrictEqual({ title: 'v1' })
    const read = reading.snapshot()
    expect(callsTo(read, 'coordinator')).toStrictEqual({ read: coordinator.calls.read })
    expect(coordinator.calls.read).toBe(1)
    // Stamps live in the coordinator: KV gets the entry read alone, and the fill.
    expect(callsTo(read, 'kv')).toStrictEqual({ read: 1, write: 1 })

    coordinator.reset()
    const writing = createMetrics()
    await cache.withContext({ onEvent: writing.onEvent }).invalidate(post)
    expect(callsTo(writing.snapshot(), 'coordinator')).toStrictEqual({ write: coordinator.calls.bump })
    expect(coordinator.calls.bump).toBeGreaterThan(0)
    expect(writing.snapshot().kv.writes).toBe(0)
  })
})
