import { isKvCacheError } from '@kvcache/core'
import { itInvalidates } from '@kvcache/test-support/invalidation'
import { describe, expect, it } from 'vitest'
import { withKvCache, type WithKvCacheOptions } from '../../src'
import type { Harness, MakeHarness } from './harness'
import { behind, cached, expectFresh, seed, type Read } from './helpers'

/** Post(id, title, views): `views` is the view counter. */
export const QUIET_VIEWS: WithKvCacheOptions['fieldTracking'] = { Post: { neverInvalidateOn: ['views'] } }
const ONLY_TITLE: WithKvCacheOptions['fieldTracking'] = { Post: { neverInvalidateOn: '*', alwaysInvalidateOn: ['title'] } }

/** A read of every post and a read of one post by id, both selecting title and views. */
export function postReads(id: () => number): Record<string, Read> {
  const select = { title: true, views: true }
  return {
    'a table read': (client, strategy) => client.post.findMany({ select, orderBy: { id: 'asc' }, ...strategy }),
    'a row read by id': (client, strategy) => client.post.findUnique({ where: { id: id() }, select, ...strategy }),
  }
}

/**
 * The quiet case: fill, prove the hit (a change behind the cache stays invisible), write, and the
 * read still serves the filled value although the database now differs (nothing was bumped), with
 * quiet `invalidate` events for `Post` and no bump of it.
 */
export async function expectQuiet(h: Harness, read: Read, changeBehind: () => Promise<unknown>, write: () => Promise<unknown>): Promise<void> {
  const filled = await read(h.prisma, cached)
  await changeBehind()
  expect(await read(h.prisma, cached), 'served from the cache').toStrictEqual(filled)
  const seen = h.events.length
  await write()
  expect(await read(h.behind, {}), 'the write changed the database').not.toStrictEqual(filled)
  expect(await read(h.prisma, cached), 'still a hit: nothing was bumped').toStrictEqual(filled)
  const after = h.events.slice(seen).filter((event) => event.type === 'invalidate')
  const quiet = after.flatMap((event) => (event.quiet ? [event.quiet] : []))
  expect(quiet.length).toBeGreaterThan(0)
  // PostgreSQL names the table as the search path resolves it (`<schema>.post`).
  for (const write of quiet) expect(write).toStrictEqual({ table: expect.stringMatching(/^(\w+\.)?post$/), columns: ['views'] })
  // What the catalog derives (Comment's ON UPDATE CASCADE) may still bump; Post's own scopes never.
  expect(after.flatMap((event) => event.scopes).filter((scope) => /:(table|bulk|row):(\w+\.)?post\b/.test(scope))).toStrictEqual([])
}

/** `fieldTracking` on a real Prisma client: model writes and raw SQL, on D1 and PostgreSQL. */
export function fieldTracking(make: MakeHarness): void {
  for (const readName of ['a table read', 'a row read by id']) {
    describe(`fieldTracking, ${readName}`, () => {
      const setup = async (rule = QUIET_VIEWS) => {
        const h = await make({ binding: { fieldTracking: rule } })
        const { hello } = await seed(h)
        const read = postReads(() => hello.id)[readName] as Read
        return { h, hello, read, changeBehind: behind.post(h, hello.id) }
      }

      it('update of only views is quiet: the next read is still a hit', async () => {
        const { h, hello, read, changeBehind } = await setup()
        await expectQuiet(h, read, changeBehind, () => h.prisma.post.update({ where: { id: hello.id }, data: { views: { increment: 1 } } }))
      })

      it('updateMany of only views is quiet', async () => {
        const { h, read, changeBehind } = await setup()
        await expectQuiet(h, read, changeBehind, () => h.prisma.post.updateMany({ data: { views: 7 } }))
      })

      it('$executeRaw updating only views is quiet', async () => {
        const { h, hello, read, changeBehind } = await setup()
        await expectQuiet(h, read, changeBehind, () => h.prisma.$executeRaw`UPDATE "Post" SET "views" = "views" + 1 WHERE "id" = ${hello.id}`)
      })

      itInvalidates('update of title invalidates', async () => {
        const { h, hello, read, changeBehind } = await setup()
        await expectFresh(h, read, { behind: changeBehind, write: () => h.prisma.post.update({ where: { id: hello.id }, data: { title: 'Retitled' } }) })
      })

      itInvalidates('update of title and views together invalidates', async () => {
        const { h, hello, read, changeBehind } = await setup()
        await expectFresh(h, read, {
          behind: changeBehind,
          write: () => h.prisma.post.update({ where: { id: hello.id }, data: { title: 'Retitled', views: { increment: 1 } } }),
        })
      })

      itInvalidates('$executeRaw updating title invalidates', async () => {
        const { h, hello, read, changeBehind } = await setup()
        await expectFresh(h, read, { behind: changeBehind, write: () => h.prisma.$executeRaw`UPDATE "Post" SET "title" = ${'Raw'} WHERE "id" = ${hello.id}` })
      })

      itInvalidates('$executeRaw updating title and views invalidates', async () => {
        const { h, hello, read, changeBehind } = await setup()
        await expectFresh(h, read, {
          behind: changeBehind,
          write: () => h.prisma.$executeRaw`UPDATE "Post" SET "views" = 0, "title" = 'Raw' WHERE "id" = ${hello.id}`,
        })
      })

      itInvalidates('an update of views with a nested relation write is not quiet', async () => {
        const { h, hello, read, changeBehind } = await setup()
        await expectFresh(h, read, {
          behind: changeBehind,
          write: () => h.prisma.post.update({ where: { id: hello.id }, data: { views: { increment: 1 }, comments: { create: { body: 'nested' } } } }),
        })
      })

      it("neverInvalidateOn: '*' with alwaysInvalidateOn: ['title']: an update of views is quiet", async () => {
        const { h, hello, read, changeBehind } = await setup(ONLY_TITLE)
        await expectQuiet(h, read, changeBehind, () => h.prisma.post.update({ where: { id: hello.id }, data: { views: 99 } }))
      })

      itInvalidates("neverInvalidateOn: '*' with alwaysInvalidateOn: ['title']: an update of title invalidates", async () => {
        const { h, hello, read, changeBehind } = await setup(ONLY_TITLE)
        await expectFresh(h, read, { behind: changeBehind, write: () => h.prisma.post.update({ where: { id: hello.id }, data: { title: 'Only this' } }) })
      })

      itInvalidates("neverInvalidateOn: '*': an upsert still invalidates", async () => {
        const { h, hello, read, changeBehind } = await setup(ONLY_TITLE)
        await expectFresh(h, read, {
          behind: changeBehind,
          write: () => h.prisma.post.upsert({ where: { id: hello.id }, create: { title: 'New' }, update: { views: 42 } }),
        })
      })

      itInvalidates("neverInvalidateOn: '*': a delete still invalidates", async () => {
        const { h, hello, read, changeBehind } = await setup(ONLY_TITLE)
        await expectFresh(h, read, { behind: changeBehind, write: () => h.prisma.post.delete({ where: { id: hello.id } }) })
      })
    })
  }

  itInvalidates("neverInvalidateOn: '*': a create still invalidates a table read", async () => {
    const h = await make({ binding: { fieldTracking: ONLY_TITLE } })
    const { hello } = await seed(h)
    await expectFresh(h, postReads(() => hello.id)['a table read'] as Read, {
      behind: behind.post(h, hello.id),
      write: () => h.prisma.post.create({ data: { title: 'Created' } }),
    })
  })

  it('ignoreFields is the older spelling of the same rule: quiet, with the same event', async () => {
    const h = await make({ binding: { ignoreFields: { Post: ['views'] } } })
    const { hello } = await seed(h)
    await expectQuiet(h, postReads(() => hello.id)['a row read by id'] as Read, behind.post(h, hello.id), () =>
      h.prisma.post.update({ where: { id: hello.id }, data: { views: { increment: 1 } } }),
    )
  })

  describe('fieldTracking validation', () => {
    it('bad shapes fail when withKvCache is called; unknown models and fields when the client is extended, naming the nearest', async () => {
      const h = await make()
      const extend = (options: object) => () => h.plain.$extends(withKvCache(h.cache, { models: h.models, ...options }))
      const message = (run: () => unknown) => {
        try {
          run()
        } catch (error) {
          expect(isKvCacheError(error, 'INVALID_OPTION')).toBe(true)
          return (error as Error).message
        }
        throw new Error('did not throw')
      }
      expect(message(() => withKvCache(h.cache, { fieldTracking: { Post: { neverInvalidateOn: 'views' } } } as never))).toContain(
        '`fieldTracking.Post.neverInvalidateOn`',
      )
      expect(message(extend({ fieldTracking: { Posts: { neverInvalidateOn: ['views'] } } }))).toContain(
        'Option `fieldTracking.Posts` names model `Posts`, which the schema does not have. Did you mean `Post`?',
      )
      expect(message(extend({ fieldTracking: { Post: { neverInvalidateOn: ['veiws'] } } }))).toContain(
        'Option `fieldTracking.Post.neverInvalidateOn` names field `veiws`, which `Post` does not have. Did you mean `views`?',
      )
      // A relation field names no column.
      expect(message(extend({ fieldTracking: { Post: { neverInvalidateOn: '*', alwaysInvalidateOn: ['comments'] } } }))).toContain('names field `comments`')
      expect(message(extend({ ignoreFields: { Post: ['comments'] } }))).toContain('Option `ignoreFields.Post` must list scalar fields of `Post`')
      expect(message(extend({ ignoreFields: { Post: ['views'] }, fieldTracking: QUIET_VIEWS }))).toContain('in both `ignoreFields` and `fieldTracking`')
      expect(extend({ fieldTracking: ONLY_TITLE })).not.toThrow()
    })
  })
}
