import { expectFreshAfterWrite } from '@kvcache/test-support/invalidation'
import { expect } from 'vitest'
import type { Harness } from './harness'

export const cached = { cacheStrategy: { ttl: 60 } } as const

/** Ada (2 posts, one with 2 comments, tagged), Grace (1 post), a profile, memberships and an item keyed '123'. */
export async function seed(h: Harness) {
  const db = h.behind
  const ada = await db.user.create({ data: { email: 'ada@example.com', name: 'Ada', profile: { create: { bio: 'math' } } } })
  const grace = await db.user.create({ data: { email: 'grace@example.com', name: 'Grace' } })
  await db.tag.createMany({ data: [{ name: 'db' }, { name: 'cache' }] })
  const hello = await db.post.create({
    data: { title: 'Hello', authorId: ada.id, comments: { create: [{ body: 'first' }, { body: 'second' }] }, tags: { connect: [{ name: 'db' }] } },
  })
  const notes = await db.post.create({ data: { title: 'Notes', authorId: ada.id } })
  const world = await db.post.create({ data: { title: 'World', authorId: grace.id } })
  await db.membership.createMany({
    data: [
      { orgId: 1, userId: ada.id, role: 'owner' },
      { orgId: 1, userId: grace.id, role: 'member' },
    ],
  })
  await db.item.createMany({
    data: [
      { code: '123', label: 'numeric-looking' },
      { code: 'abc', label: 'text' },
    ],
  })
  return { ada, grace, hello, notes, world }
}

/** A read, written once for both clients: the cached one gets `cacheStrategy`, the plain one `{}`. */
export type Read = (client: any, strategy: object) => Promise<unknown>

/** Cache hits so far. */
export function hits(h: Harness): number {
  return h.events.filter((event) => event.type === 'hit').length
}

/**
 * The one invalidation test shape (`expectFreshAfterWrite`) for a read through `h.prisma` and the
 * same read through `h.behind` (a plain client the cache never sees): fill, change the data
 * behind the cache (the read must still be served from the cache), `write`, read fresh.
 */
export function expectFresh(h: Harness, read: Read, steps: { readonly behind: () => Promise<unknown>; readonly write: () => Promise<unknown> }): Promise<void> {
  return expectFreshAfterWrite({ read: () => read(h.prisma, cached), direct: () => read(h.behind, {}), changeBehind: steps.behind, write: steps.write })
}

/** Fills the cache, then proves `write` did not invalidate it: a change made behind the cache stays invisible. */
export async function expectStillCached(h: Harness, read: Read, changeBehind: () => Promise<unknown>, write: () => Promise<unknown>): Promise<void> {
  const before = await read(h.prisma, cached)
  await changeBehind()
  await write()
  expect(await read(h.behind, {})).not.toEqual(before)
  expect(await read(h.prisma, cached)).toEqual(before)
}

/** Changes behind the cache that the shared tests use: every row of a model gets a new value. */
export const behind = {
  posts: (h: Harness) => () => h.behind.post.updateMany({ data: { views: { increment: 100 } } }),
  users: (h: Harness) => () => h.behind.user.updateMany({ data: { name: 'changed behind' } }),
  comments: (h: Harness) => () => h.behind.comment.updateMany({ data: { body: 'changed behind' } }),
  profiles: (h: Harness) => () => h.behind.profile.updateMany({ data: { bio: 'changed behind' } }),
  post: (h: Harness, id: number) => () => h.behind.post.update({ where: { id }, data: { title: 'changed behind' } }),
  user: (h: Harness, id: number) => () => h.behind.user.update({ where: { id }, data: { name: 'changed behind' } }),
}

/** Runs `promise` and returns its rejection (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}
