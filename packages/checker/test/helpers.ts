import { expect } from 'vitest'
import { describeViolation, type Row } from '../src'

/** Seeds every scenario test runs: several, so one lucky interleaving proves nothing. */
export const SEEDS = [1, 2, 3]

/** Fails with the seed and the history slice of the first violations, so a finding can be replayed. */
export function expectWithinBound(row: Row): void {
  const found = row.runs.flatMap((run) => [
    ...run.report.violations.slice(0, 2).map((violation) => `seed ${run.seed}: ${describeViolation(violation)}`),
    ...run.outcome.errors.slice(0, 2).map((error) => `seed ${run.seed}: call failed: ${String(error)}`),
  ])
  expect(found, `${row.scenario.name} broke its bound (${row.boundMs} ms)`).toStrictEqual([])
  expect(row.reads).toBeGreaterThan(0)
}

/** The checker catches the design: violations, and reads staler than the declared bound. */
export function expectCaught(row: Row): void {
  expect(row.violations, `${row.scenario.name}: violations over seeds ${row.seeds.join(', ')}`).toBeGreaterThan(0)
  expect(row.worstStalenessMs).toBeGreaterThan(row.boundMs)
}
