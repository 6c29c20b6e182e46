import { itInvalidates } from '@kvcache/test-support/invalidation'
import { describe, expect } from 'vitest'
import type { MakeHarness } from './harness'
import { behind, cached, expectFresh, seed } from './helpers'

const posts = (client: any, strategy: object) => client.post.findMany({ orderBy: { id: 'asc' }, ...strategy })
const comments = (client: any, strategy: object) => client.comment.findMany({ orderBy: { id: 'asc' }, ...strategy })
const profiles = (client: any, strategy: object) => client.profile.findMany({ orderBy: { id: 'asc' }, ...strategy })
const postWithComments = (id: number) => (client: any, strategy: object) =>
  client.post.findUnique({ where: { id }, include: { comments: { orderBy: { id: 'asc' } } }, ...strategy })
const tagsOf = (id: number) => (client: any, strategy: object) =>
  client.post.findUnique({ where: { id }, select: { title: true, tags: { orderBy: { name: 'asc' } } }, ...strategy })
const tagWithPosts = (client: any, strategy: object) =>
  client.tag.findUnique({ where: { name: 'cache' }, include: { posts: { orderBy: { id: 'asc' } } }, ...strategy })
const authorOf = (id: number) => (client: any, strategy: object) => client.post.findUnique({ where: { id }, include: { author: true }, ...strategy })

/** Nested writes at any depth refresh every model they reach, join tables included. */
export function nestedWrites(make: MakeHarness): void {
  describe('nested writes', () => {
    itInvalidates('create', async () => {
      const h = await make()
      const { ada } = await seed(h)
      await expectFresh(h, posts, {
        behind: behind.posts(h),
        write: () => h.prisma.user.update({ where: { id: ada.id }, data: { posts: { create: { title: 'Nested' } } } }),
      })
    })
    itInvalidates('create two levels deep', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, comments, {
        behind: behind.comments(h),
        write: () => h.prisma.user.create({ data: { email: 'deep@example.com', posts: { create: { title: 'P', comments: { create: [{ body: 'deep' }] } } } } }),
      })
    })
    itInvalidates('createMany', async () => {
      const h = await make()
      const { hello } = await seed(h)
      await expectFresh(h, postWithComments(hello.id), {
        behind: behind.comments(h),
        write: () => h.prisma.post.update({ where: { id: hello.id }, data: { comments: { createMany: { data: [{ body: 'third' }] } } } }),
      })
    })
    itInvalidates('connect (the other side holds the key)', async () => {
      const h = await make()
      const { world, hello } = await seed(h)
      const comment = await h.behind.comment.create({ data: { body: 'moving', postId: world.id } })
      await expectFresh(h, postWithComments(hello.id), {
        behind: behind.comments(h),
        write: () => h.prisma.post.update({ where: { id: hello.id }, data: { comments: { connect: { id: comment.id } } } }),
      })
    })
    itInvalidates('connect (this side holds the key)', async () => {
      const h = await make()
      const { world, ada } = await seed(h)
      await expectFresh(h, authorOf(world.id), {
        behind: behind.post(h, world.id),
        write: () => h.prisma.post.update({ where: { id: world.id }, data: { author: { connect: { id: ada.id } } } }),
      })
    })
    itInvalidates('connectOrCreate', async () => {
      const h = await make()
      const { world } = await seed(h)
      await expectFresh(h, tagsOf(world.id), {
        behind: behind.post(h, world.id),
        write: () =>
          h.prisma.post.update({ where: { id: world.id }, data: { tags: { connectOrCreate: { where: { name: 'new' }, create: { name: 'new' } } } } }),
      })
    })
    itInvalidates('update', async () => {
      const h = await make()
      const { hello } = await seed(h)
      await expectFresh(h, comments, {
        behind: behind.comments(h),
        write: () => h.prisma.post.update({ where: { id: hello.id }, data: { comments: { updateMany: { where: {}, data: { body: 'edited' } } } } }),
      })
    })
    itInvalidates('update of a to-one relation', async () => {
      const h = await make()
      const { world } = await seed(h)
      await expectFresh(h, authorOf(world.id), {
        behind: behind.post(h, world.id),
        write: () => h.prisma.post.update({ where: { id: world.id }, data: { author: { update: { name: 'Grace H.' } } } }),
      })
    })
    itInvalidates('upsert', async () => {
      const h = await make()
      const { ada } = await seed(h)
      await expectFresh(h, profiles, {
        behind: behind.profiles(h),
        write: () => h.prisma.user.update({ where: { id: ada.id }, data: { profile: { upsert: { create: { bio: 'x' }, update: { bio: 'logic' } } } } }),
      })
    })
    itInvalidates('delete', async () => {
      const h = await make()
      const { hello } = await seed(h)
      const first = (await h.behind.comment.findFirst({ where: { postId: hello.id } })).id
      await expectFresh(h, comments, {
        behind: behind.comments(h),
        write: () => h.prisma.post.update({ where: { id: hello.id }, data: { comments: { delete: { id: first } } } }),
      })
    })
    itInvalidates('disconnect', async () => {
      const h = await make()
      const { notes } = await seed(h)
      await expectFresh(h, authorOf(notes.id), {
        behind: behind.post(h, notes.id),
        write: () => h.prisma.post.update({ where: { id: notes.id }, data: { author: { disconnect: true } } }),
      })
    })
    itInvalidates('set on an implicit many-to-many relation', async () => {
      const h = await make()
      const { hello } = await seed(h)
      await expectFresh(h, tagsOf(hello.id), {
        behind: behind.post(h, hello.id),
        write: () => h.prisma.post.update({ where: { id: hello.id }, data: { tags: { set: [{ name: 'cache' }] } } }),
      })
    })
    itInvalidates('connect on an implicit many-to-many relation, read from the other side', async () => {
      const h = await make()
      const { world, hello } = await seed(h)
      await expectFresh(h, tagWithPosts, {
        behind: () => h.behind.post.update({ where: { id: hello.id }, data: { tags: { connect: { name: 'cache' } } } }),
        write: () => h.prisma.post.update({ where: { id: world.id }, data: { tags: { connect: { name: 'cache' } } } }),
      })
    })
  })

  describe('foreign keys and cascades', () => {
    itInvalidates('moving a comment refreshes both posts', async () => {
      const h = await make()
      const { hello, world } = await seed(h)
      const moved = (await h.behind.comment.findFirst({ where: { postId: hello.id } })).id
      const both = async (client: any, strategy: object) => [
        await postWithComments(hello.id)(client, strategy),
        await postWithComments(world.id)(client, strategy),
      ]
      await expectFresh(h, both, { behind: behind.comments(h), write: () => h.prisma.comment.update({ where: { id: moved }, data: { postId: world.id } }) })
    })
    itInvalidates('onDelete: Cascade (profile) and SetNull (posts) when a user is deleted', async () => {
      const h = await make()
      const { grace, ada } = await seed(h)
      await h.behind.post.delete({ where: { id: (await h.behind.post.findFirst({ where: { authorId: grace.id } })).id } })
      const authors = (client: any, strategy: object) => client.post.findMany({ orderBy: { id: 'asc' }, select: { id: true, authorId: true }, ...strategy })
      await authors(h.prisma, cached)
      await h.behind.membership.deleteMany({ where: { userId: ada.id } })
      await expectFresh(h, profiles, { behind: behind.profiles(h), write: () => h.prisma.user.delete({ where: { id: ada.id } }) })
      expect(await authors(h.prisma, cached)).toEqual(await authors(h.behind, {}))
    })
    itInvalidates('cascades two levels: deleting a user deletes memberships', async () => {
      const h = await make()
      const { grace } = await seed(h)
      await h.behind.post.deleteMany({ where: { authorId: grace.id } })
      const members = (client: any, strategy: object) => client.membership.findMany({ orderBy: { userId: 'asc' }, ...strategy })
      await expectFresh(h, members, {
        behind: () => h.behind.membership.updateMany({ data: { orgId: 2 } }),
        write: () => h.prisma.user.delete({ where: { id: grace.id } }),
      })
    })
    itInvalidates('deleting a post deletes its comments and its tag links', async () => {
      const h = await make()
      const { hello } = await seed(h)
      const tag = (client: any, strategy: object) => client.tag.findUnique({ where: { name: 'db' }, include: { posts: true }, ...strategy })
      await tag(h.prisma, cached)
      await expectFresh(h, comments, { behind: behind.comments(h), write: () => h.prisma.post.delete({ where: { id: hello.id } }) })
      expect(await tag(h.prisma, cached)).toEqual(await tag(h.behind, {}))
    })
  })
}
