import { describe, expect, it } from 'vitest'
import { hmacSha256, sha256 } from '../../src/sha256'

const hex = (bytes: ArrayBuffer | Uint8Array) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('')

function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(new ArrayBuffer(length))
  for (let i = 0; i < length; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(length, i + 65536)))
  return bytes
}

describe('synchronous SHA-256 and HMAC agree with WebCrypto', () => {
  it('for every length around the block and padding boundaries, and beyond', async () => {
    const lengths = [...Array.from({ length: 200 }, (_, i) => i), 447, 448, 511, 512, 1000, 4096, 100_000]
    for (const length of lengths) {
      const data = randomBytes(length)
      expect(hex(sha256(data)), `length ${length}`).toBe(hex(await crypto.subtle.digest('SHA-256', data)))
    }
  })

  it('for keys shorter than, equal to and longer than a block', async () => {
    for (const keyLength of [1, 16, 32, 63, 64, 65, 200]) {
      const key = randomBytes(keyLength)
      const message = randomBytes(keyLength * 3)
      const cryptoKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      expect(hex(hmacSha256(key, message)), `key length ${keyLength}`).toBe(hex(await crypto.subtle.sign('HMAC', cryptoKey, message)))
    }
  })
})
