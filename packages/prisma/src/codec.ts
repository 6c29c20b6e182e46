import type { CodecExtension } from '@kvcache/core'
import { kvCacheError } from '@kvcache/core/internal'
import { isDecimal } from './material'

/** What `prismaCodecs` needs from your generated client's `Prisma` namespace. */
export interface PrismaNamespaceLike {
  readonly Decimal: new (value: string) => unknown
}

interface BufferLike extends Uint8Array {
  readonly constructor: { readonly name: string }
}

type BufferClass = { from(bytes: Uint8Array): Uint8Array }

/**
 * Codec extensions for the values Prisma returns that plain JSON cannot carry: `Decimal` (as
 * your client's own class, so a hit is `deepStrictEqual` to a miss) and Node `Buffer` (what
 * `@prisma/adapter-pg` returns for `Bytes`). Pass them to `createCache({ codecExtensions })`.
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
  // A Buffer fails the core's exact-Uint8Array check; restore it as a Buffer where one exists.
  const buffer: CodecExtension<BufferLike> = {
    tag: 'prisma.buffer',
    test: (value): value is BufferLike => value instanceof Uint8Array && value.constructor.name === 'Buffer',
    encode: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice(),
    decode: (encoded) => {
      const Buffer = (globalThis as { Buffer?: BufferClass }).Buffer
      return (Buffer ? Buffer.from(encoded as Uint8Array) : encoded) as BufferLike
    },
  }
  return [decimal, buffer]
}
