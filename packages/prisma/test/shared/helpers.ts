import { expect } from 'vitest'
import type { Harness } from './harness'

export const cached = { cacheStrategy: { ttl: 60 } } as const

/** Ada (2 posts, one with 2 comments, tagged), Grace (1 post), a profile and memberships. */
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
  await db.membership.createMany({ data: [{ orgId: 1, userId: ada.id, role: 'owner' }, { orgId: 1, userId: grace.id, role: 'member' }] })
  return { ada, grace, hello, notes, world }
}

type Read = (client: any, strategy: object) => Promise<unknown>

function hits(h: Harness): number {
  return h.events.filter((event) => event.type === 'hit').length
}

/**
 * Fills the cache with `read`, proves the next read is a hit, runs `write` through the cached
 * client, then checks the cached client returns what the database holds, and that the write
 * changed that answer (so the test could fail).
 */
export async function expectFresh(h: Harness, read: Read, write: () => Promise<unknown>): Promise<void> {
  const before = await read(h.prisma, cached)
  const hitsBefore = hits(h)
  expect(await read(h.prisma, cached)).toEqual(before)
  expect(hits(h)).toBeGreaterThan(hitsBefore)
  await write()
  const truth = await read(h.behind, {})
  expect(truth).not.toEqual(before)
  expect(await read(h.prisma, cached)).toEqual(truth)
}

/** Fills the cache, then proves `write` did not invalidate it: a change made behind the cache stays invisible. */
export async function expectStillCached(h: Harness, read: Read, changeBehind: () => Promise<unknown>, write: () => Promise<unknown>): Promise<void> {
  const before = await read(h.prisma, cached)
  await changeBehind()
  await write()
  expect(await read(h.behind, {})).not.toEqual(before)
  expect(await read(h.prisma, cached)).toEqual(before)
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
