import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, keyNames, pickerOf, seededRandom, zipfSampler } from '../src'

describe('what clients read', () => {
  it('without popularity, draws a key then a query, uniformly (the draws every existing mode was measured with)', () => {
    const picker = pickerOf(DEFAULT_SETTINGS, keyNames(DEFAULT_SETTINGS.keys))
    const [a, b] = [seededRandom(5), seededRandom(5)]
    for (let i = 0; i < 100; i++) {
      expect(picker.read(a)).toStrictEqual({ key: `k${b.int(DEFAULT_SETTINGS.keys)}`, query: b.int(DEFAULT_SETTINGS.queriesPerKey) })
      expect(picker.writeKey(a)).toBe(`k${b.int(DEFAULT_SETTINGS.keys)}`)
    }
  })

  it('samples Zipf ranks: the n-th most popular about 1/n as often as the first', () => {
    const rank = zipfSampler(100, 1)
    const random = seededRandom(1)
    const counts: number[] = Array.from({ length: 100 }, () => 0)
    for (let i = 0; i < 200_000; i++) {
      const r = rank(random)
      counts[r] = (counts[r] ?? 0) + 1
    }
    const harmonic = Array.from({ length: 100 }, (_, r) => 1 / (r + 1)).reduce((a, b) => a + b)
    expect((counts[0] as number) / 200_000).toBeCloseTo(1 / harmonic, 2)
    expect((counts[0] as number) / (counts[1] as number)).toBeCloseTo(2, 0)
    expect((counts[0] as number) / (counts[9] as number)).toBeGreaterThan(8)
    expect(counts.every((count) => count > 0)).toBe(true)
  })

  it('with popularity, spreads ranks over keys and asks one-off queries never asked again', () => {
    const settings = { ...DEFAULT_SETTINGS, keys: 4, queriesPerKey: 5, popularity: { zipfExponent: 1, oneOffRatio: 0.25 } }
    const picker = pickerOf(settings, keyNames(settings.keys))
    const random = seededRandom(2)
    const reads = Array.from({ length: 20_000 }, () => picker.read(random))
    const oneOffs = reads.filter((read) => read.query >= settings.queriesPerKey)
    expect(oneOffs.length / reads.length).toBeCloseTo(0.25, 1)
    expect(new Set(oneOffs.map((read) => read.query)).size).toBe(oneOffs.length)
    const repeated = reads.filter((read) => read.query < settings.queriesPerKey)
    const count = (key: string, query: number) => repeated.filter((read) => read.key === key && read.query === query).length
    // Rank 0 is k0/q0, rank 1 k1/q0, rank 4 k0/q1: each less popular than the one before.
    expect(count('k0', 0)).toBeGreaterThan(count('k1', 0))
    expect(count('k1', 0)).toBeGreaterThan(count('k0', 1))
    expect(count('k0', 1)).toBeGreaterThan(count('k3', 4))
    expect(count('k3', 4)).toBeGreaterThan(0)
  })
})
