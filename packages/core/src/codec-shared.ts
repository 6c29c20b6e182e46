/** Shared by the codec's encoder and decoder: the tag key, typed arrays, base64, safe property writes. */

/** The key that marks a tagged value: `{ "$kv": "<tag>", "v": <payload> }`. */
export const TAG = '$kv'

export type Tagged = { [TAG]: string; v?: unknown }

/** Assigns an own property; `obj.__proto__ = v` would set the prototype instead (and drop the key). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true })
  else target[key] = value
}

export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

export const TYPED_ARRAYS = {
  Int8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const satisfies Record<string, new (buffer: ArrayBuffer) => ArrayBufferView>

export type TypedArrayName = keyof typeof TYPED_ARRAYS

/** Node's `Buffer` (Workers with `nodejs_compat` too), looked up on each call: absent elsewhere. */
type BufferClass = { from(bytes: Uint8Array): Uint8Array; isBuffer(value: unknown): boolean }
const bufferClass = (): BufferClass | undefined => (globalThis as { Buffer?: BufferClass }).Buffer

/** True for a Node `Buffer` (what node-postgres returns for `bytea`, and Prisma for `Bytes`). */
export function isBuffer(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && bufferClass()?.isBuffer(value) === true
}

/** Bytes stored from a Buffer come back as a Buffer where the runtime has one, else as a Uint8Array. */
export function toBuffer(bytes: Uint8Array): Uint8Array {
  return bufferClass()?.from(bytes) ?? bytes
}
