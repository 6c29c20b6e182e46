// fieldTracking on PostgreSQL: the shared cases, and the same inside interactive transactions and
// nested ones (Prisma 7's savepoints): a quiet write adds nothing to publish on commit.
import { itInvalidates } from '@kvcache/test-support/invalidation'
import { describe, it } from 'vitest'
import { expectQuiet, fieldTracking, postReads, QUIET_VIEWS } from '../shared/field-tracking'
import type { Read } from '../shared/helpers'
import { behind, expectFresh, seed } from '../shared/helpers'
import { pgHarness } from './harness'

fieldTracking(pgHarness)

for (const readName of ['a table read', 'a row read by id']) {
  describe(`fieldTracking inside interactive transactions (PostgreSQL), ${readName}`, () => {
    const setup = async () => {
      const h = await pgHarness({ binding: { fieldTracking: QUIET_VIEWS } })
      const { hello } = await seed(h)
      return { h, hello, read: postReads(() => hello.id)[readName] as Read, changeBehind: behind.post(h, hello.id) }
    }

    it('a quiet update, builder and raw, is still a hit after commit', async () => {
      const { h, hello, read, changeBehind } = await setup()
      await expectQuiet(h, read, changeBehind, () =>
        h.prisma.$transaction(async (tx: any) => {
          await tx.post.update({ where: { id: hello.id }, data: { views: { increment: 1 } } })
          await tx.$executeRaw`UPDATE "Post" SET "views" = 0 WHERE "id" <> ${hello.id}`
        }),
      )
    })

    it('a quiet update next to a loud one in a nested transaction that rolled back: still a hit after commit', async () => {
      const { h, hello, read, changeBehind } = await setup()
      await expectQuiet(h, read, changeBehind, () =>
        h.prisma.$transaction(async (tx: any) => {
          await tx.post.update({ where: { id: hello.id }, data: { views: { increment: 1 } } })
          await tx
            .$transaction(async (inner: any) => {
              await inner.post.update({ where: { id: hello.id }, data: { title: 'never' } })
              throw new Error('roll back the savepoint')
            })
            .catch(() => undefined)
        }),
      )
    })

    itInvalidates('a loud update inside a transaction invalidates on commit', async () => {
      const { h, hello, read, changeBehind } = await setup()
      await expectFresh(h, read, {
        behind: changeBehind,
        write: () =>
          h.prisma.$transaction(async (tx: any) => {
            await tx.post.update({ where: { id: hello.id }, data: { views: { increment: 1 } } })
            await tx.$transaction(async (inner: any) => inner.post.update({ where: { id: hello.id }, data: { title: 'Committed' } }))
          }),
      })
    })
  })
}
