import type { CodecExtension } from '@kvcache/core'
import { kvCacheError } from '@kvcache/core/binding'
import { isDecimal } from './material'

/** What `prismaCodecs` needs from your generated client's `Prisma` namespace. */
export interface PrismaNamespaceLike {
  readonly Decimal: new (value: string) => unknown
}

// One array per Prisma namespace (created on first use: no module state for Workers that never call it).
let memo: WeakMap<object, readonly CodecExtension[]> | undefined

/**
 * Codec extensions for the values Prisma returns that the core codec cannot carry: `Decimal`,
 * as your client's own class, so a hit is `deepStrictEqual` to a miss. (Node `Buffer`s, what
 * `@prisma/adapter-pg` returns for `Bytes`, round-trip as Buffers in the core codec itself.) Pass
 * them as `codecExtensions` (to `createCache`, or to `withKvCache(env.CACHE_KV, ctx, options)`).
 * The same namespace always gets the same (frozen) array, so the one-line form's check that
 * every request asks for the same cache passes when each request calls this.
 *
 * @example
 * import { Prisma } from './generated/prisma/client'
 * const cache = createCache({ storage: kvStorage(env.KV), codecExtensions: prismaCodecs(Prisma) })
 */
export function prismaCodecs(prisma: PrismaNamespaceLike): readonly CodecExtension[] {
  const Decimal = prisma?.Decimal
  if (typeof Decimal !== 'function') {
    throw kvCacheError('INVALID_OPTION', 'prisma', 'prismaCodecs(Prisma) needs the `Prisma` namespace of your generated client (it has `Prisma.Decimal`).')
  }
  memo ??= new WeakMap()
  const known = memo.get(prisma)
  if (known) return known
  const decimal: CodecExtension<{ toFixed(): string }> = {
    tag: 'prisma.decimal',
    test: (value): value is { toFixed(): string } => isDecimal(value),
    encode: (value) => value.toFixed(),
    decode: (encoded) => new Decimal(encoded as string) as { toFixed(): string },
  }
  const extensions = Object.freeze([decimal as CodecExtension])
  memo.set(prisma, extensions)
  return extensions
}
