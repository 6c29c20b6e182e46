import { itInvalidates } from '@kvcache/test-support/invalidation'
import { describe, expect, it } from 'vitest'
import { behind, expectFresh, seed } from '../shared/helpers'
import { d1Harness } from './harness'

const users = (client: any, strategy: object) => client.user.findMany({ orderBy: { id: 'asc' }, ...strategy })

describe('D1 transactions', () => {
  itInvalidates('a batch that fails part-way still refreshes what its earlier members wrote (D1 batches are not atomic)', async () => {
    const h = await d1Harness()
    const { ada, grace } = await seed(h)
    await expectFresh(h, users, {
      behind: behind.user(h, grace.id),
      write: async () => {
        const batch = h.prisma.$transaction([
          h.prisma.user.update({ where: { id: ada.id }, data: { name: 'written before the failure' } }),
          h.prisma.user.create({ data: { email: 'grace@example.com' } }),
        ])
        await expect(batch).rejects.toThrow()
      },
    })
  })

  it("interactive transactions fail with Prisma's own error", async () => {
    const h = await d1Harness()
    // Prisma throws synchronously here; the cache stays out of the way.
    await expect((async () => h.prisma.$transaction(async () => undefined))()).rejects.toThrow(/interactive transactions/)
  })
})
