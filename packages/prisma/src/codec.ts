import type { CodecExtension } from '@kvcache/core'
import { kvCacheError } from '@kvcache/core/binding'
import { isDecimal } from './material'

/** What `prismaCodecs` needs from your generated client's `Prisma` namespace. */
export interface PrismaNamespaceLike {
  readonly Decimal: new (value: string) => unknown
}

/**
 * Codec extensions for the values Prisma returns that the core codec cannot carry: `Decimal`,
 * as your client's own class, so a hit is `deepStrictEqual` to a miss. (Node `Buffer`s, what
 * `@prisma/adapter-pg` returns for `Bytes`, round-trip as Buffers in the core codec itself.) Pass
 * them to `createCache({ codecExtensions })`.
 *
 * @example
 * import { Prisma } from './generated/prisma/client'
 * const cache = createCache({ storage: kvStorage(env.KV), codecExtensions: prismaCodecs(Prisma) })
 */
export function prismaCodecs(prisma: PrismaNamespaceLike): CodecExtension[] {
  const Decimal = prisma?.Decimal
  if (typeof Decimal !== 'function') {
    throw kvCacheError('INVALID_OPTION', 'prisma', 'prismaCodecs(Prisma) needs the `Prisma` namespace of your generated client (it has `Prisma.Decimal`).')
  }
  const decimal: CodecExtension<{ toFixed(): string }> = {
    tag: 'prisma.decimal',
    test: (value): value is { toFixed(): string } => isDecimal(value),
    encode: (value) => value.toFixed(),
    decode: (encoded) => new Decimal(encoded as string) as { toFixed(): string },
  }
  return [decimal]
}
