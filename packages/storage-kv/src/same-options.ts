/**
 * Whether a later `requestCache` call asks for the cache the isolate already has. Values are
 * compared by what they configure: numbers and strings by value, `breaker`, `budget` and
 * `admission` by their fields (a `budget.spentUsd` function is the first call's, like `now`),
 * `bookmarkSecret` by its bytes, `codecExtensions` by the extension objects (one module-scope
 * array, or `prismaCodecs(Prisma)`, which returns the same array every time).
 */

/** Taken from the first call, never compared: a version store or clock built per request is the same one. */
const FIRST_CALL_WINS: readonly string[] = ['versions', 'now']

type Options = Readonly<Record<string, unknown>>

/** The first option whose value differs between the two calls, or undefined if none does. */
export function firstDifference(first: Options, now: Options): string | undefined {
  for (const name of new Set([...Object.keys(first), ...Object.keys(now)])) {
    if (FIRST_CALL_WINS.includes(name)) continue
    if (!same(name, first[name], now[name])) return name
  }
  return undefined
}

function same(name: string, a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (name === 'codecExtensions') return sameItems(a ?? [], b ?? [])
  if (name === 'breaker' || name === 'budget' || name === 'admission') return sameFields(a ?? {}, b ?? {})
  if (a instanceof Uint8Array && b instanceof Uint8Array) return sameItems(a, b)
  return false
}

function sameItems(a: unknown, b: unknown): boolean {
  if (!isList(a) || !isList(b) || a.length !== b.length) return false
  for (let index = 0; index < a.length; index++) if (!Object.is(a[index], b[index])) return false
  return true
}

function sameFields(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  for (const key of keys) {
    const [x, y] = [(a as Options)[key], (b as Options)[key]]
    // A callback written inline is a new function per request: the first one is kept.
    if (!Object.is(x, y) && !(typeof x === 'function' && typeof y === 'function')) return false
  }
  return true
}

function isList(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || value instanceof Uint8Array
}
