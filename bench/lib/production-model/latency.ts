// Seeded latency draws for the production model (figures.mjs): deterministic for a given seed
// and call order, so a rerun draws the same delays.
import { FIGURES, sigmaOf } from './figures.mjs'

export type Figure = keyof typeof FIGURES

export interface LatencyModel {
  /** Draws one delay for `figure`, in milliseconds. */
  draw(figure: Figure): number
  /** Waits one draw of `figure`. */
  wait(figure: Figure): Promise<void>
  /** Delays drawn so far, per figure: { count, totalMs }. */
  readonly drawn: Record<string, { count: number; totalMs: number }>
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function latencyModel(seed: number): LatencyModel {
  const random = mulberry32(seed)
  const drawn: Record<string, { count: number; totalMs: number }> = {}
  // Box-Muller: one standard normal from two uniforms.
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const draw = (figure: Figure) => {
    const spec = FIGURES[figure] as { p50Ms: number; p99Ms: number }
    const ms = spec.p50Ms * Math.exp(sigmaOf(spec) * normal())
    const total = (drawn[figure] ??= { count: 0, totalMs: 0 })
    total.count++
    total.totalMs += ms
    return ms
  }
  return {
    draw,
    wait: (figure) => new Promise((resolve) => setTimeout(resolve, draw(figure))),
    drawn,
  }
}
