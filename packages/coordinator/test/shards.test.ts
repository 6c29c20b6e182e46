import { env } from 'cloudflare:workers'
import { qualifyScopes } from '@kvcache/core/storage'
import { bulkScope, databaseScope, rowScope, tableScope, tagScope } from '@kvcache/core/testing'
import { describe, expect, it } from 'vitest'
import { durableObjectVersions } from '../src'
import { hash32, planCalls, shardGroup, shardName, type ShardLayout } from '../src/shards'
import { countingNamespace, unique } from './helpers'

const layout = (scopeShards: number, tenantBuckets?: number): ShardLayout => ({ prefix: 'kvcache', scopeShards, tenantBuckets })
const names = (calls: ReturnType<typeof planCalls>) => calls.map((call) => call.name).sort()

describe('shard routing', () => {
  it('names objects stably: changing the hash or the name format would move every stamp', () => {
    expect(hash32('t:posts')).toBe(hash32('t:posts'))
    expect(hash32('')).toBe(0x811c9dc5)
    expect(shardName(layout(1), 'acme', 0)).toBe('kvcache/t/acme/0of1')
    expect(shardName(layout(1), '', 0)).toBe('kvcache/t//0of1')
    expect(shardName(layout(4, 16), 'acme', 3)).toBe(`kvcache/b${hash32('acme') % 16}of16/3of4`)
  })

  it("groups a table's table, bulk and row scopes together; tags by their name", () => {
    expect(shardGroup(tableScope('posts'))).toBe('t:posts')
    expect(shardGroup(bulkScope('posts'))).toBe('t:posts')
    expect(shardGroup(rowScope('posts', 7))).toBe('t:posts')
    expect(shardGroup(rowScope('posts', ['a:b', 2]))).toBe('t:posts')
    expect(shardGroup(tagScope('feed'))).toBe('tag:feed')
  })

  it('one object per tenant by default: every lookup and every bump of a tenant is one call', () => {
    const scopes = qualifyScopes('acme', [databaseScope(), tableScope('posts'), rowScope('users', 1), tagScope('feed')])
    expect(names(planCalls(layout(1), scopes, 'read'))).toStrictEqual(['kvcache/t/acme/0of1'])
    expect(names(planCalls(layout(1), scopes, 'bump'))).toStrictEqual(['kvcache/t/acme/0of1'])
    const two = [...scopes, ...qualifyScopes('globex', [tableScope('posts')])]
    expect(names(planCalls(layout(1), two, 'read'))).toStrictEqual(['kvcache/t/acme/0of1', 'kvcache/t/globex/0of1'])
  })

  it('with several objects per tenant, a lookup of one table (plus the whole-database scope) is still one call', () => {
    for (let table = 0; table < 50; table++) {
      const scopes = qualifyScopes('acme', [databaseScope(), tableScope(`t${table}`), bulkScope(`t${table}`), rowScope(`t${table}`, table)])
      const calls = planCalls(layout(8), scopes, 'read')
      expect(calls).toHaveLength(1)
      expect(calls[0]?.scopes.sort()).toStrictEqual([...scopes].sort())
    }
  })

  it('sends a bump of the whole-database scope to every object of the tenant, and reads it from the one the lookup uses', () => {
    const database = qualifyScopes('acme', [databaseScope()])
    const bumps = planCalls(layout(8), database, 'bump')
    expect(names(bumps)).toStrictEqual(Array.from({ length: 8 }, (_, i) => `kvcache/t/acme/${i}of8`).sort())
    expect(planCalls(layout(8), database, 'read')).toStrictEqual([{ name: 'kvcache/t/acme/0of8', tenant: 'acme', scopes: database }])
  })

  it('spreads tables over the objects of a tenant', () => {
    const used = new Set(Array.from({ length: 64 }, (_, i) => planCalls(layout(8), qualifyScopes('acme', [tableScope(`table${i}`)]), 'read')[0]?.name))
    expect(used.size).toBeGreaterThanOrEqual(6)
  })

  it('hashes tenants into buckets when asked', () => {
    const used = new Set(Array.from({ length: 100 }, (_, i) => planCalls(layout(1, 4), qualifyScopes(`tenant${i}`, [tableScope('posts')]), 'read')[0]?.name))
    expect([...used].sort()).toStrictEqual(['kvcache/b0of4/0of1', 'kvcache/b1of4/0of1', 'kvcache/b2of4/0of1', 'kvcache/b3of4/0of1'])
  })

  it('with a real coordinator: sharded stamps invalidate exactly what they should', async () => {
    const counting = countingNamespace(env.KVCACHE_COORDINATOR)
    const store = durableObjectVersions(counting.namespace, { prefix: unique('sharded'), scopeShards: 4, requestMemoSeconds: 0 })
    const posts = qualifyScopes('acme', [databaseScope(), tableScope('posts')])
    const users = qualifyScopes('acme', [databaseScope(), tableScope('users')])
    const [postsBefore, usersBefore] = [await store.read(posts), await store.read(users)]
    expect(counting.calls.read).toBe(2)

    const postsBump = await store.bump(qualifyScopes('acme', [tableScope('posts')]))
    const [postsAfter, usersAfter] = [await store.read(posts), await store.read(users)]
    expect(postsAfter[1]).toBe(postsBump)
    expect(usersAfter).toStrictEqual(usersBefore)
    expect(postsAfter[0]).toBe(postsBefore[0])

    // A write of unknown reach bumps the database scope in every object: every lookup sees it.
    counting.reset()
    await store.bump(qualifyScopes('acme', [databaseScope()]))
    expect(counting.calls.bump).toBe(4)
    const [postsLast, usersLast] = [await store.read(posts), await store.read(users)]
    expect((postsLast[0] as string) > (postsAfter[0] as string)).toBe(true)
    expect((usersLast[0] as string) > (usersAfter[0] as string)).toBe(true)
  })
})
