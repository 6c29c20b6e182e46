import { itInvalidates } from '@kvcache/test-support/invalidation'
import { describe, expect, it } from 'vitest'
import type { Harness } from '../shared/harness'
import { behind, cached, expectFresh, expectStillCached, seed } from '../shared/helpers'
import { pgHarness } from './harness'

const users = (client: any, strategy: object) => client.user.findMany({ orderBy: { id: 'asc' }, ...strategy })
const invalidations = (h: Harness) => h.events.filter((event) => event.type === 'invalidate')

describe('interactive transactions (PostgreSQL)', () => {
  itInvalidates('publish invalidations on commit, not before', async () => {
    const h = await pgHarness()
    const { ada, grace } = await seed(h)
    await expectFresh(h, users, {
      behind: behind.user(h, grace.id),
      write: () =>
        h.prisma.$transaction(async (tx: any) => {
          await tx.user.update({ where: { id: ada.id }, data: { name: 'committed' } })
          const bumped = invalidations(h).length
          // Another request reads while the transaction is open: it must not be told to refetch yet.
          expect((await users(h.prisma, cached))[0].name).toBe('Ada')
          expect(invalidations(h).length).toBe(bumped)
        }),
    })
  })

  it('drop invalidations on rollback, and never cache what the transaction read', async () => {
    const h = await pgHarness()
    const { ada } = await seed(h)
    const before = await users(h.prisma, cached)
    const bumped = invalidations(h).length
    await expect(
      h.prisma.$transaction(async (tx: any) => {
        await tx.user.update({ where: { id: ada.id }, data: { name: 'uncommitted' } })
        // Reads inside the transaction see its own writes and bypass the cache.
        expect((await users(tx, cached))[0].name).toBe('uncommitted')
        throw new Error('roll back')
      }),
    ).rejects.toThrow('roll back')
    expect(invalidations(h).length).toBe(bumped)
    expect(await users(h.prisma, cached)).toEqual(before)
    expect(await users(h.behind, {})).toEqual(before)
    expect(h.events.some((event) => event.type === 'skip' && event.reason === 'bypass')).toBe(true)
  })

  itInvalidates('raw writes inside a transaction are published on commit', async () => {
    const h = await pgHarness()
    const { ada } = await seed(h)
    await expectFresh(h, users, {
      behind: behind.user(h, ada.id),
      write: () => h.prisma.$transaction(async (tx: any) => tx.$executeRawUnsafe(`UPDATE "users" SET "name" = 'tx raw'`)),
    })
  })
})

/**
 * The core's table of savepoint histories (packages/core/test/unit/transaction.test.ts), as far
 * as Prisma can say them: a nested `$transaction` is an anonymous savepoint, released when its
 * callback returns, rolled back to (and released) when it throws. Each letter is a write of one
 * user's row; `expected` are the rows whose invalidation must be published.
 */
type Step = string | { readonly nested: readonly Step[]; readonly rollsBack?: true }
const LETTERS = ['a', 'b', 'c', 'd', 'e'] as const
const histories: [string, readonly Step[], readonly string[]][] = [
  ['rollback to drops what came after the savepoint', ['a', { nested: ['b'], rollsBack: true }], ['a']],
  ['rolled-back savepoints one after another (Prisma releases each)', [{ nested: ['a'], rollsBack: true }, { nested: ['b'], rollsBack: true }, 'c'], ['c']],
  ['release keeps the writes', [{ nested: ['a'] }], ['a']],
  ['releasing a savepoint keeps the writes of the ones inside it', [{ nested: ['a', { nested: ['b'] }] }], ['a', 'b']],
  ['nested savepoints', ['a', { nested: ['b', { nested: ['c'], rollsBack: true }, 'd'], rollsBack: true }, 'e'], ['a', 'e']],
  ['anonymous savepoints are innermost first (Prisma nesting)', ['a', { nested: ['b'], rollsBack: true }, { nested: ['c'] }], ['a', 'c']],
]

async function seedLetters(h: Harness): Promise<Record<string, number>> {
  const ids: Record<string, number> = {}
  for (const letter of LETTERS) ids[letter] = (await h.behind.user.create({ data: { email: `${letter}@example.com`, name: letter } })).id
  return ids
}

async function runSteps(tx: any, steps: readonly Step[], ids: Record<string, number>): Promise<void> {
  for (const step of steps) {
    if (typeof step === 'string') await tx.user.update({ where: { id: ids[step] }, data: { name: `written ${step}` } })
    else if (!step.rollsBack) await tx.$transaction((inner: any) => runSteps(inner, step.nested, ids))
    else {
      const failing = tx.$transaction(async (inner: any) => {
        await runSteps(inner, step.nested, ids)
        throw new Error('roll back to the savepoint')
      })
      await expect(failing).rejects.toThrow('roll back to the savepoint')
    }
  }
}

/** The rows of `ids` whose row scope an `invalidate` event bumped since `from` (events show scopes as stored: tenant-qualified). */
function bumpedRows(h: Harness, ids: Record<string, number>, from: number): string[] {
  const scopes = invalidations(h)
    .slice(from)
    .flatMap((event) => (event.type === 'invalidate' ? event.scopes : []))
  return LETTERS.filter((letter) => scopes.some((scope) => scope.endsWith(`:row:users:n${ids[letter]}`)))
}

describe('savepoint histories (nested interactive transactions, PostgreSQL)', () => {
  const byId = (ids: Record<string, number>) => async (client: any, strategy: object) => {
    const rows = []
    for (const letter of LETTERS) rows.push(await client.user.findUnique({ where: { id: ids[letter] }, ...strategy }))
    return rows
  }
  for (const [name, steps, expected] of histories) {
    itInvalidates(name, async () => {
      const h = await pgHarness()
      const ids = await seedLetters(h)
      const from = invalidations(h).length
      await expectFresh(h, byId(ids), {
        behind: async () => {
          for (const letter of expected) await behind.user(h, ids[letter] as number)()
        },
        write: () => h.prisma.$transaction((tx: any) => runSteps(tx, steps, ids)),
      })
      // A rolled-back savepoint's writes were dropped, not published.
      expect(bumpedRows(h, ids, from)).toEqual(expected)
    })
  }

  it('a rollback after savepoints drops everything', async () => {
    const h = await pgHarness()
    const ids = await seedLetters(h)
    const from = invalidations(h).length
    const rollsBack = () =>
      expect(
        h.prisma.$transaction(async (tx: any) => {
          await runSteps(tx, ['a', { nested: ['b'] }], ids)
          throw new Error('roll back')
        }),
      ).rejects.toThrow('roll back')
    await expectStillCached(h, byId(ids), behind.user(h, ids.a as number), rollsBack)
    expect(bumpedRows(h, ids, from)).toEqual([])
  })
})
