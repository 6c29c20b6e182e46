/**
 * Structural checks for the Prisma runtime values that can appear in args and results. Prisma's
 * classes come from whichever runtime the generated client loads (Node, workerd...), so they are
 * recognised by shape, never by `instanceof`.
 */

/** A decimal.js instance (Prisma's `Decimal`): digits `d`, exponent `e`, sign `s`. */
export function isDecimal(value: unknown): value is { toFixed(): string; toString(): string } {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as { d?: unknown; e?: unknown; s?: unknown; toFixed?: unknown }
  return (
    (Array.isArray(candidate.d) || candidate.d === null) &&
    typeof candidate.e === 'number' &&
    typeof candidate.s === 'number' &&
    typeof candidate.toFixed === 'function'
  )
}

/** `Prisma.DbNull`, `JsonNull`, `AnyNull` and other enum-like singletons. */
function enumName(value: object): string | undefined {
  const name = (value as { _getName?: () => unknown })._getName
  if (typeof name !== 'function') return undefined
  const result = name.call(value)
  return typeof result === 'string' ? result : undefined
}

/**
 * Turns args into plain, hashable material: Decimals become tagged strings, Prisma's null
 * sentinels and `Prisma.skip` become tagged names. Other class instances are left for the core's
 * hash, which refuses them (that read then runs uncached).
 */
export function normalizeArgs(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > 256) return value
  if (Array.isArray(value)) return value.map((item) => normalizeArgs(item, depth + 1))
  if (isDecimal(value)) return { $decimal: value.toFixed() }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) {
    const name = enumName(value)
    if (name !== undefined) return { $prisma: name }
    if (value.constructor?.name === 'Skip') return { $prisma: 'skip' }
    return value
  }
  const out: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) out[key] = normalizeArgs(inner, depth + 1)
  return out
}
