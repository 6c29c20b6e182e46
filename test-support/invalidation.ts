// The one shape every invalidation test takes, in every ORM suite:
//   1. fill: read through the cache (it agrees with the database);
//   2. prove the read is served from the cache: change the data behind the cache, read again,
//      and still get the filled value (with caching off, this step fails);
//   3. the write under test, through the ORM (or the API being tested);
//   4. read through the cache again and get exactly what the database now holds, which must
//      differ from the filled value (with stale entries served, this step fails).
// Tests built with `itInvalidates` carry INVALIDATION_MARK in their names, so `.ci/mutations`
// can run them against two broken cores (every verdict a miss; every entry judged valid) and
// fail if any of them still passes.
import { expect, it } from 'vitest'

/** In the name of every test that proves an invalidation path: `.ci/mutations` selects them by it. */
export const INVALIDATION_MARK = '[invalidation]'

/** The steps of one invalidation test. Values are compared with `toStrictEqual`. */
export interface InvalidationSteps<T> {
  /** The read under test, through the cache. */
  readonly read: () => Promise<T>
  /** The same read, straight from the database (an unwrapped driver or client). */
  readonly direct: () => Promise<T>
  /** A change the cache cannot see (a statement on the unwrapped driver) that changes what `direct` returns. */
  readonly changeBehind: () => Promise<unknown>
  /** The write whose invalidation is being tested. */
  readonly write: () => Promise<unknown>
}

/**
 * Runs the four steps; each assertion says which step failed.
 *
 * @example
 * itInvalidates('an update by id', () => expectFreshAfterWrite({
 *   read: () => db.select().from(posts).where(eq(posts.id, 1)),
 *   direct: () => plain.select().from(posts).where(eq(posts.id, 1)),
 *   changeBehind: () => env.DB.prepare("update posts set title = 'behind' where id = 1").run(),
 *   write: () => db.update(posts).set({ title: 'written' }).where(eq(posts.id, 1)),
 * }))
 */
export async function expectFreshAfterWrite<T>(steps: InvalidationSteps<T>): Promise<void> {
  const filled = await steps.read()
  expect(filled, 'step 1: the first read agrees with the database').toStrictEqual(await steps.direct())
  await steps.changeBehind()
  expect(await steps.direct(), 'step 2: the change behind the cache must change what the database returns').not.toStrictEqual(filled)
  expect(await steps.read(), 'step 2: the read is served from the cache (caching is on and the entry was stored)').toStrictEqual(filled)
  await steps.write()
  const fresh = await steps.direct()
  expect(fresh, 'step 3: the write must leave the database different from the cached value').not.toStrictEqual(filled)
  expect(await steps.read(), 'step 4: after the write, the read returns what the database holds').toStrictEqual(fresh)
}

/** `it` for an invalidation test: marks its name for `.ci/mutations`. */
export function itInvalidates(name: string, test: () => Promise<void>, timeoutMs?: number): void {
  it(`${name} ${INVALIDATION_MARK}`, test, timeoutMs)
}
