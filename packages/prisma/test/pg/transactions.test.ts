import { describe, expect, it } from 'vitest'
import { cached, expectFresh, seed } from '../shared/helpers'
import { pgHarness } from './harness'

const users = (client: any, strategy: object) => client.user.findMany({ orderBy: { id: 'asc' }, ...strategy })

describe('interactive transactions (PostgreSQL)', () => {
  it('publish invalidations on commit, not before', async () => {
    const h = await pgHarness()
    const { ada } = await seed(h)
    await expectFresh(h, users, () =>
      h.prisma.$transaction(async (tx: any) => {
        await tx.user.update({ where: { id: ada.id }, data: { name: 'committed' } })
        const bumped = h.events.filter((event) => event.type === 'invalidate').length
        // Another request reads while the transaction is open: it must not be told to refetch yet.
        expect((await users(h.prisma, cached))[0].name).toBe('Ada')
        expect(h.events.filter((event) => event.type === 'invalidate').length).toBe(bumped)
      }),
    )
  })

  it('drop invalidations on rollback, and never cache what the transaction read', async () => {
    const h = await pgHarness()
    const { ada } = await seed(h)
    const before = await users(h.prisma, cached)
    const invalidations = () => h.events.filter((event) => event.type === 'invalidate').length
    const bumped = invalidations()
    await expect(
      h.prisma.$transaction(async (tx: any) => {
        await tx.user.update({ where: { id: ada.id }, data: { name: 'uncommitted' } })
        // Reads inside the transaction see its own writes and bypass the cache.
        expect((await users(tx, cached))[0].name).toBe('uncommitted')
        throw new Error('roll back')
      }),
    ).rejects.toThrow('roll back')
    expect(invalidations()).toBe(bumped)
    expect(await users(h.prisma, cached)).toEqual(before)
    expect(await users(h.behind, {})).toEqual(before)
    expect(h.events.some((event) => event.type === 'skip' && event.reason === 'bypass')).toBe(true)
  })

  it('a nested transaction (savepoint) publishes with the outer commit, and not at all on the outer rollback', async () => {
    const h = await pgHarness()
    const { ada } = await seed(h)
    const invalidations = () => h.events.filter((event) => event.type === 'invalidate').length
    const before = await users(h.prisma, cached)
    const bumped = invalidations()
    await expect(
      h.prisma.$transaction(async (tx: any) => {
        await tx.$transaction(async (inner: any) => inner.user.update({ where: { id: ada.id }, data: { name: 'inner' } }))
        expect(invalidations()).toBe(bumped)
        throw new Error('outer rolls back')
      }),
    ).rejects.toThrow('outer rolls back')
    expect(invalidations()).toBe(bumped)
    expect(await users(h.prisma, cached)).toEqual(before)
    await expectFresh(h, users, () =>
      h.prisma.$transaction(async (tx: any) => tx.$transaction(async (inner: any) => inner.user.update({ where: { id: ada.id }, data: { name: 'nested' } }))),
    )
  })

  it('raw writes inside a transaction are published on commit', async () => {
    const h = await pgHarness()
    await seed(h)
    await expectFresh(h, users, () => h.prisma.$transaction(async (tx: any) => tx.$executeRawUnsafe(`UPDATE "users" SET "name" = 'tx raw'`)))
  })
})
