// Issue 19: the events of a Prisma read name the binding, the tables it depends on (as the planner
// spells them: SQLite names are case-insensitive, so lower case) and the operation.
import { expect, it } from 'vitest'
import { d1Harness } from './harness'

it('a model read: binding `prisma`, its tables, and `Model.operation` as the digest', async () => {
  const { prisma, behind, events } = await d1Harness()
  await behind.post.create({ data: { title: 'Hello' } })
  await prisma.post.findMany({ include: { comments: true }, cacheStrategy: { ttl: 60 } })
  const miss = events.find((event) => event.type === 'miss')
  expect(miss).toMatchObject({ binding: 'prisma', digest: 'Post.findMany' })
  expect([...((miss as { tables?: readonly string[] }).tables ?? [])].sort()).toStrictEqual(['comment', 'post'])
})
