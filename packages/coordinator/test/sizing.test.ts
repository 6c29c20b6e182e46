import { env } from 'cloudflare:workers'
import { qualifyScopes } from '@kvcache/core/storage'
import { databaseScope, tableScope } from '@kvcache/core/testing'
import { describe, expect, it } from 'vitest'
import { coordinatorLoad, durableObjectVersions, recommendShards, type ShardLoad } from '../src'
import { unique } from './helpers'

const shard = (name: string, peakPerSecond: number): ShardLoad => ({
  name,
  tenant: name.split('/')[2] ?? '',
  peakPerSecond,
  requestsPerSecond: peakPerSecond / 2,
  windowSeconds: 60,
  reads: peakPerSecond * 30,
  bumps: 0,
  scopes: peakPerSecond * 60,
  rejected: 0,
})

describe('shard sizing', () => {
  const layout = { prefix: 'kvcache', scopeShards: 2, tenantBuckets: undefined }
  const cases: [string, ShardLoad[], number, RegExp][] = [
    ['idle', [], 2, /within the target/],
    ['comfortable', [shard('kvcache/t/acme/0of2', 200), shard('kvcache/t/acme/1of2', 250)], 2, /within the target/],
    [
      'a busy tenant',
      [shard('kvcache/t/acme/0of2', 900), shard('kvcache/t/acme/1of2', 800), shard('kvcache/t/small/0of2', 10)],
      4,
      /Raise `scopeShards` from 2 to 4/,
    ],
    ['one hot table', [shard('kvcache/t/acme/0of2', 700), shard('kvcache/t/acme/1of2', 10)], 2, /one table or tag is hot/],
  ]
  for (const [label, loads, scopeShards, note] of cases) {
    it(`recommends from measured peaks: ${label}`, () => {
      const recommendation = recommendShards(loads, layout)
      expect(recommendation.scopeShards).toBe(scopeShards)
      expect(recommendation.notes.join(' ')).toMatch(note)
    })
  }

  it('rejects nonsense capacity', () => {
    expect(() => recommendShards([], layout, { targetUtilization: 2 })).toThrow(/targetUtilization/)
  })

  it('reports what each real object served, per shard, and sizes from it', async () => {
    const prefix = unique('sizing')
    const store = durableObjectVersions(env.KVCACHE_COORDINATOR, { prefix, scopeShards: 2, requestMemoSeconds: 0 })
    const scopes = qualifyScopes('acme', [databaseScope(), tableScope('posts')])
    for (let i = 0; i < 12; i++) await store.read(scopes)
    await store.bump(qualifyScopes('acme', [tableScope('posts')]))
    await store.bump(qualifyScopes('acme', [databaseScope()]))

    const report = await coordinatorLoad(env.KVCACHE_COORDINATOR, { prefix, scopeShards: 2, tenants: ['acme'], capacityPerSecond: 1 })
    expect(report.shards.map((load) => load.name).sort()).toStrictEqual([`${prefix}/t/acme/0of2`, `${prefix}/t/acme/1of2`])
    const total = report.shards.reduce((sum, load) => ({ reads: sum.reads + load.reads, bumps: sum.bumps + load.bumps }), { reads: 0, bumps: 0 })
    // Reads of one lookup go to one object; the database bump goes to both.
    expect(total).toStrictEqual({ reads: 12, bumps: 3 })
    expect(Math.max(...report.shards.map((load) => load.peakPerSecond))).toBeGreaterThan(0)
    expect(report.recommendation.busiest?.peakPerSecond).toBeGreaterThan(0)
    expect(report.recommendation.scopeShards).toBeGreaterThan(2)
  })
})
