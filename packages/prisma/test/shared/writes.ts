import { describe, expect, it } from 'vitest'
import type { MakeHarness } from './harness'
import { expectFresh, expectStillCached, seed } from './helpers'

const posts = (client: any, strategy: object) => client.post.findMany({ orderBy: { id: 'asc' }, ...strategy })
const usersWithPosts = (client: any, strategy: object) =>
  client.user.findMany({ orderBy: { id: 'asc' }, include: { posts: { orderBy: { id: 'asc' } } }, ...strategy })

/** Every top-level write operation refreshes the reads it touched, after it commits. */
export function writeOperations(make: MakeHarness): void {
  describe('write operations', () => {
    it('create', async () => {
      const h = await make()
      const { ada } = await seed(h)
      await expectFresh(h, posts, () => h.prisma.post.create({ data: { title: 'New', authorId: ada.id } }))
    })
    it('createMany', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, posts, () => h.prisma.post.createMany({ data: [{ title: 'A' }, { title: 'B' }] }))
    })
    it('createManyAndReturn', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, posts, () => h.prisma.post.createManyAndReturn({ data: [{ title: 'A' }] }))
    })
    it('update', async () => {
      const h = await make()
      const { hello } = await seed(h)
      await expectFresh(h, posts, () => h.prisma.post.update({ where: { id: hello.id }, data: { title: 'Hello again' } }))
    })
    it('updateMany', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, posts, () => h.prisma.post.updateMany({ where: { title: { startsWith: 'H' } }, data: { title: 'H!' } }))
    })
    it('updateManyAndReturn', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, posts, () => h.prisma.post.updateManyAndReturn({ where: { title: 'World' }, data: { title: 'Earth' } }))
    })
    it('upsert that creates', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, posts, () => h.prisma.post.upsert({ where: { id: 999 }, create: { title: 'Upserted' }, update: { title: 'never' } }))
    })
    it('upsert that updates', async () => {
      const h = await make()
      const { notes } = await seed(h)
      await expectFresh(h, posts, () => h.prisma.post.upsert({ where: { id: notes.id }, create: { title: 'never' }, update: { title: 'Notes v2' } }))
    })
    it('delete', async () => {
      const h = await make()
      const { world } = await seed(h)
      await expectFresh(h, posts, () => h.prisma.post.delete({ where: { id: world.id } }))
    })
    it('deleteMany', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, posts, () => h.prisma.post.deleteMany({ where: { title: { not: 'Hello' } } }))
    })
    it('a write through a relation refreshes reads that include it', async () => {
      const h = await make()
      const { world } = await seed(h)
      await expectFresh(h, usersWithPosts, () => h.prisma.post.update({ where: { id: world.id }, data: { title: 'World 2' } }))
    })
  })

  describe('row scopes', () => {
    const user = (id: number) => (client: any, strategy: object) => client.user.findUnique({ where: { id }, ...strategy })
    it('a write by id refreshes that row', async () => {
      const h = await make()
      const { ada } = await seed(h)
      await expectFresh(h, user(ada.id), () => h.prisma.user.update({ where: { id: ada.id }, data: { name: 'Ada L.' } }))
    })
    it('a write by id keeps other rows cached', async () => {
      const h = await make()
      const { ada, grace } = await seed(h)
      await expectStillCached(
        h,
        user(ada.id),
        () => h.behind.user.update({ where: { id: ada.id }, data: { name: 'changed behind' } }),
        () => h.prisma.user.update({ where: { id: grace.id }, data: { name: 'Grace H.' } }),
      )
    })
    it('a lookup by a unique field is refreshed by a write by id', async () => {
      const h = await make()
      const { ada } = await seed(h)
      const byEmail = (client: any, strategy: object) => client.user.findUnique({ where: { email: 'ada@example.com' }, ...strategy })
      await expectFresh(h, byEmail, () => h.prisma.user.update({ where: { id: ada.id }, data: { name: 'Countess' } }))
    })
    it('a lookup by a unique field that finds nothing is refreshed by the create', async () => {
      const h = await make()
      await seed(h)
      const byEmail = (client: any, strategy: object) => client.user.findUnique({ where: { email: 'new@example.com' }, ...strategy })
      await expectFresh(h, byEmail, () => h.prisma.user.create({ data: { email: 'new@example.com' } }))
    })
    it('a write that changes a unique field refreshes lookups by the old value', async () => {
      const h = await make()
      const { ada } = await seed(h)
      const byEmail = (client: any, strategy: object) => client.user.findUnique({ where: { email: 'ada@example.com' }, ...strategy })
      await expectFresh(h, byEmail, () => h.prisma.user.update({ where: { id: ada.id }, data: { email: 'lovelace@example.com' } }))
    })
    it('composite primary keys and named compound uniques', async () => {
      const h = await make()
      const { ada } = await seed(h)
      const byKey = (client: any, strategy: object) => client.membership.findUnique({ where: { orgId_userId: { orgId: 1, userId: ada.id } }, ...strategy })
      const byRole = (client: any, strategy: object) => client.membership.findUnique({ where: { byRole: { userId: ada.id, role: 'owner' } }, ...strategy })
      await byRole(h.prisma, { cacheStrategy: { ttl: 60 } })
      await expectFresh(h, byKey, () => h.prisma.membership.update({ where: { orgId_userId: { orgId: 1, userId: ada.id } }, data: { role: 'admin' } }))
      expect(await byRole(h.prisma, { cacheStrategy: { ttl: 60 } })).toBeNull()
    })
  })
}
