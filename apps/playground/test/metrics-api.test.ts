// Each binding page's metrics route against `wrangler dev`: its shape, and per-table numbers after a
// known sequence of that binding's requests (read, read again, write, read), counted for that binding only.
import { describe, expect, it } from 'vitest'
import type { BindingMetricsSnapshot, TableMetrics } from '../src/binding-metrics'
import { usePlayground } from './start-worker'

const playground = usePlayground()

const ROW_FIELDS = [
  'table',
  'hitRate',
  'hits',
  'staleHits',
  'staleIfError',
  'misses',
  'missReasons',
  'joined',
  'skips',
  'skipReasons',
  'bypasses',
  'errors',
  'fills',
  'fillBytes',
  'invalidations',
  'maxAgeMs',
  'kv',
].sort()

const BINDINGS = [
  ['drizzle', ''],
  ['kysely', '/kysely'],
  ['prisma', '/prisma'],
] as const

const api = (prefix: string, path: string, init?: RequestInit) => fetch(`${playground.url}${prefix}/api/${path}`, init)
const metricsOf = async (prefix: string) => (await (await api(prefix, 'metrics')).json()) as BindingMetricsSnapshot
const rowOf = (metrics: BindingMetricsSnapshot, table: string): TableMetrics => {
  const row = metrics.tables.find((candidate) => candidate.table === table)
  if (!row) throw new Error(`no row for ${table} in ${JSON.stringify(metrics.tables.map((candidate) => candidate.table))}`)
  return row
}

// The bindings run one after another against one Worker: each starts with no traffic of its own.
describe.each(BINDINGS)('%s metrics', (binding, prefix) => {
  it("starts empty: the other pages' traffic is not counted", async () => {
    const metrics = await metricsOf(prefix)
    expect(metrics.binding).toBe(binding)
    expect(metrics.tables).toStrictEqual([])
    expect(metrics.totals).toMatchObject({ table: '(all)', hits: 0, misses: 0, hitRate: null })
    expect(metrics.operations).toStrictEqual([])
    expect(metrics.totals.kv.usd).toStrictEqual({ bulkReadAsOneRead: 0, bulkReadPerKey: 0 })
  })

  it('counts a miss, a hit, a write and a miss after it per table, with the debug header on each response', async () => {
    const headers: (string | null)[] = []
    const send = async (path: string, init?: RequestInit) => {
      const response = await api(prefix, path, init)
      expect(response.status).toBe(200)
      headers.push(response.headers.get('x-kvcache'))
    }
    await send('read?id=2')
    await send('read?id=2')
    await send('write?id=2', { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"title":"Metered by ${binding}"}` })
    await send('read?id=2')
    expect(headers[0]).toMatch(/^miss; reason=absent; tables=[a-z_,]*posts/)
    expect(headers[1]).toMatch(/^hit; tables=[a-z_,]*posts[a-z_,]*; age=\d+$/)
    expect(headers[2]).toBe('none')
    expect(headers[3]).toMatch(/^miss; reason=invalidated; tables=[a-z_,]*posts/)

    const metrics = await metricsOf(prefix)
    const posts = rowOf(metrics, 'posts')
    const users = rowOf(metrics, 'users')
    expect(Object.keys(posts).sort()).toStrictEqual(ROW_FIELDS)
    expect(posts).toMatchObject({ hits: 1, staleHits: 0, misses: 2, missReasons: { absent: 1, invalidated: 1 }, joined: 0, bypasses: 0, errors: 0 })
    expect(posts.hitRate).toBeCloseTo(1 / 3)
    expect(posts.invalidations).toBe(1)
    expect(posts.fills).toBeGreaterThanOrEqual(1)
    // The post's author is read by every read; the write does not touch users.
    expect(users).toMatchObject({ hits: 1, misses: 2, invalidations: 0 })

    expect(metrics.totals).toMatchObject({ table: '(all)', hits: 1, misses: 2, invalidations: 1 })

    // Each read's KV calls count under every table it depends on: the same for posts and users.
    expect(posts.kv.readCalls).toBeGreaterThan(0)
    expect(posts.kv.readKeys).toBeGreaterThanOrEqual(posts.kv.readCalls)
    expect(posts.kv.usd.bulkReadAsOneRead).toBeGreaterThan(0)
    expect(posts.kv.usd.bulkReadPerKey).toBeGreaterThanOrEqual(posts.kv.usd.bulkReadAsOneRead)
    expect(users.kv).toStrictEqual(posts.kv)
    // The write's stamp writes are no read's: they count under (unknown). Every KV call is a read's
    // (all of which read posts) or not, so the two rows add up to the total. The write right after
    // another page's bump of table:posts waits out KV's one write per key per second: the route
    // answers once it landed (src/settle.ts), so it is counted already.
    const unknown = rowOf(metrics, '(unknown)')
    expect(unknown.kv.writes).toBeGreaterThanOrEqual(2)
    for (const kind of ['readCalls', 'readKeys', 'writes', 'deletes'] as const) expect(posts.kv[kind] + unknown.kv[kind]).toBe(metrics.totals.kv[kind])
    expect(metrics.operations).toContainEqual(expect.objectContaining({ storage: 'cache-api', tier: 'L1', kind: 'read' }))
    expect(metrics.operations).toContainEqual(expect.objectContaining({ storage: 'kv', kind: 'write' }))
  })

  it('the metrics route itself uses no cache, and reset starts from zero', async () => {
    expect((await api(prefix, 'metrics')).headers.get('x-kvcache')).toBe('none')
    expect((await api(prefix, 'reset', { method: 'POST' })).status).toBe(200)
    const metrics = await metricsOf(prefix)
    expect(metrics.tables).toStrictEqual([])
    expect(metrics.totals.hits).toBe(0)
  })
})
