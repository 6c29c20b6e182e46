import { itInvalidates } from '@kvcache/test-support/invalidation'
import { describe, expect, it } from 'vitest'
import type { MakeHarness } from './harness'
import { behind, cached, expectFresh, expectStillCached, seed } from './helpers'

const posts = (client: any, strategy: object) => client.post.findMany({ orderBy: { id: 'asc' }, ...strategy })
const usersWithPosts = (client: any, strategy: object) =>
  client.user.findMany({ orderBy: { id: 'asc' }, include: { posts: { orderBy: { id: 'asc' } } }, ...strategy })

/** Every top-level write operation refreshes the reads it touched, after it commits. */
export function writeOperations(make: MakeHarness): void {
  describe('write operations', () => {
    itInvalidates('create', async () => {
      const h = await make()
      const { ada } = await seed(h)
      await expectFresh(h, posts, { behind: behind.posts(h), write: () => h.prisma.post.create({ data: { title: 'New', authorId: ada.id } }) })
    })
    itInvalidates('createMany', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, posts, { behind: behind.posts(h), write: () => h.prisma.post.createMany({ data: [{ title: 'A' }, { title: 'B' }] }) })
    })
    itInvalidates('createManyAndReturn', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, posts, { behind: behind.posts(h), write: () => h.prisma.post.createManyAndReturn({ data: [{ title: 'A' }] }) })
    })
    itInvalidates('update', async () => {
      const h = await make()
      const { hello } = await seed(h)
      await expectFresh(h, posts, { behind: behind.posts(h), write: () => h.prisma.post.update({ where: { id: hello.id }, data: { title: 'Hello again' } }) })
    })
    itInvalidates('updateMany', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, posts, {
        behind: behind.posts(h),
        write: () => h.prisma.post.updateMany({ where: { title: { startsWith: 'H' } }, data: { title: 'H!' } }),
      })
    })
    itInvalidates('updateManyAndReturn', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, posts, {
        behind: behind.posts(h),
        write: () => h.prisma.post.updateManyAndReturn({ where: { title: 'World' }, data: { title: 'Earth' } }),
      })
    })
    itInvalidates('upsert that creates', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, posts, {
        behind: behind.posts(h),
        write: () => h.prisma.post.upsert({ where: { id: 999 }, create: { title: 'Upserted' }, update: { title: 'never' } }),
      })
    })
    itInvalidates('upsert that updates', async () => {
      const h = await make()
      const { notes } = await seed(h)
      await expectFresh(h, posts, {
        behind: behind.posts(h),
        write: () => h.prisma.post.upsert({ where: { id: notes.id }, create: { title: 'never' }, update: { title: 'Notes v2' } }),
      })
    })
    itInvalidates('delete', async () => {
      const h = await make()
      const { world } = await seed(h)
      await expectFresh(h, posts, { behind: behind.posts(h), write: () => h.prisma.post.delete({ where: { id: world.id } }) })
    })
    itInvalidates('deleteMany', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, posts, { behind: behind.posts(h), write: () => h.prisma.post.deleteMany({ where: { title: { not: 'Hello' } } }) })
    })
    itInvalidates('a write through a relation refreshes reads that include it', async () => {
      const h = await make()
      const { world } = await seed(h)
      await expectFresh(h, usersWithPosts, {
        behind: behind.posts(h),
        write: () => h.prisma.post.update({ where: { id: world.id }, data: { title: 'World 2' } }),
      })
    })
  })

  describe('row scopes', () => {
    const user = (id: number) => (client: any, strategy: object) => client.user.findUnique({ where: { id }, ...strategy })
    const byEmail = (email: string) => (client: any, strategy: object) => client.user.findUnique({ where: { email }, ...strategy })
    itInvalidates('a write by id refreshes that row', async () => {
      const h = await make()
      const { ada } = await seed(h)
      await expectFresh(h, user(ada.id), {
        behind: behind.user(h, ada.id),
        write: () => h.prisma.user.update({ where: { id: ada.id }, data: { name: 'Ada L.' } }),
      })
    })
    it('a write by id keeps other rows cached', async () => {
      const h = await make()
      const { ada, grace } = await seed(h)
      await expectStillCached(h, user(ada.id), behind.user(h, ada.id), () => h.prisma.user.update({ where: { id: grace.id }, data: { name: 'Grace H.' } }))
    })
    itInvalidates('a lookup by a unique field is refreshed by a write by id', async () => {
      const h = await make()
      const { ada } = await seed(h)
      await expectFresh(h, byEmail('ada@example.com'), {
        behind: behind.user(h, ada.id),
        write: () => h.prisma.user.update({ where: { id: ada.id }, data: { name: 'Countess' } }),
      })
    })
    itInvalidates('a lookup by a unique field that finds nothing is refreshed by the create', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, byEmail('new@example.com'), {
        // The row appears behind the cache (the cached `null` stays), and is then created again through the client.
        behind: () => h.behind.user.create({ data: { email: 'new@example.com', name: 'behind' } }),
        write: async () => {
          await h.behind.user.delete({ where: { email: 'new@example.com' } })
          await h.prisma.user.create({ data: { email: 'new@example.com', name: 'created' } })
        },
      })
    })
    itInvalidates('a write that changes a unique field refreshes lookups by the old value', async () => {
      const h = await make()
      const { ada } = await seed(h)
      await expectFresh(h, byEmail('ada@example.com'), {
        behind: behind.user(h, ada.id),
        write: () => h.prisma.user.update({ where: { id: ada.id }, data: { email: 'lovelace@example.com' } }),
      })
    })
    itInvalidates('composite primary keys and named compound uniques', async () => {
      const h = await make()
      const { ada } = await seed(h)
      const orgIdUserId = { orgId: 1, userId: ada.id }
      const byKey = (client: any, strategy: object) => client.membership.findUnique({ where: { orgId_userId: orgIdUserId }, ...strategy })
      const byRole = (client: any, strategy: object) => client.membership.findUnique({ where: { byRole: { userId: ada.id, role: 'owner' } }, ...strategy })
      expect(await byRole(h.prisma, cached)).not.toBeNull()
      await expectFresh(h, byKey, {
        behind: () => h.behind.membership.update({ where: { orgId_userId: orgIdUserId }, data: { role: 'changed behind' } }),
        write: () => h.prisma.membership.update({ where: { orgId_userId: orgIdUserId }, data: { role: 'admin' } }),
      })
      expect(await byRole(h.prisma, cached)).toBeNull()
    })
  })

  // Finding 2 of issue 17: Prisma and the SQL planner must spell the row of a text key '123' alike.
  describe('a text primary key whose value looks like a number', () => {
    const item = (client: any, strategy: object) => client.item.findUnique({ where: { code: '123' }, ...strategy })
    const raw: [string, (h: Awaited<ReturnType<MakeHarness>>) => Promise<unknown>][] = [
      ['$executeRaw with the key as a parameter', (h) => h.prisma.$executeRaw(h.Prisma.sql`UPDATE "Item" SET "label" = ${'raw'} WHERE "code" = ${'123'}`)],
      ['$executeRawUnsafe with the key as a literal', (h) => h.prisma.$executeRawUnsafe(`UPDATE "Item" SET "label" = 'raw' WHERE "code" = '123'`)],
      [
        '$executeRawUnsafe with the key as a parameter',
        (h) => h.prisma.$executeRawUnsafe(`UPDATE "Item" SET "label" = 'raw' WHERE "code" = ${h.flavor === 'pg' ? '$1' : '?'}`, '123'),
      ],
    ]
    for (const [name, write] of raw) {
      itInvalidates(`${name} refreshes findUnique by that key`, async () => {
        const h = await make()
        await seed(h)
        await expectFresh(h, item, { behind: () => h.behind.item.update({ where: { code: '123' }, data: { label: 'changed behind' } }), write: () => write(h) })
      })
    }
    itInvalidates('a model write by that key refreshes it too', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, item, {
        behind: () => h.behind.item.update({ where: { code: '123' }, data: { label: 'changed behind' } }),
        write: () => h.prisma.item.update({ where: { code: '123' }, data: { label: 'written' } }),
      })
    })
    it('a raw write by another key keeps it cached', async () => {
      const h = await make()
      await seed(h)
      await expectStillCached(
        h,
        item,
        () => h.behind.item.update({ where: { code: '123' }, data: { label: 'changed behind' } }),
        () => h.prisma.$executeRaw(h.Prisma.sql`UPDATE "Item" SET "label" = ${'raw'} WHERE "code" = ${'abc'}`),
      )
    })
  })
}
