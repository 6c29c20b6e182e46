import type { Violation } from './check'
import type { Operation } from './history'
import { runScenario, START_MS, type RunResult } from './run'
import { DEFAULT_SETTINGS, type Scenario, type WorldSettings } from './world'

/** Milliseconds as a short duration: `0`, `850 ms`, `42.3 s`, `never current`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'never current'
  if (ms === 0) return '0'
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}

/** One operation as a line of a history slice, times in seconds since the run started. */
export function formatOperation(op: Operation): string {
  const at = (ms: number) => (Number.isFinite(ms) ? `${((ms - START_MS) / 1000).toFixed(3)}s` : ms < 0 ? 'start' : 'never')
  const what = op.kind === 'write' ? `write ${op.key} := ${op.value}` : `read  ${op.key} -> ${op.value}`
  return `client ${op.client < 0 ? '-' : op.client} ${op.where ?? ''} [${at(op.invokedMs)} .. ${at(op.completedMs)}] ${what}`
}

/** A violation with its history slice, for reports and failing tests. */
export function describeViolation(violation: Violation): string {
  const head = `${violation.kind}: read of ${violation.read.key} returned ${violation.read.value}, stale by ${formatMs(violation.stalenessMs)}`
  return [head, ...violation.slice.map((op) => `  ${formatOperation(op)}`)].join('\n')
}

/** One scenario over several seeds. */
export interface Row {
  readonly scenario: Scenario
  readonly seeds: readonly number[]
  readonly runs: readonly RunResult[]
  readonly operations: number
  readonly reads: number
  readonly violations: number
  /** Calls that threw (a baseline giving up on 429s; never expected from the cache). */
  readonly failedCalls: number
  readonly worstStalenessMs: number
  /** The highest per-seed p99. */
  readonly p99StalenessMs: number
  readonly boundMs: number
  readonly sessionBoundMs: number | undefined
  readonly isolateBoundMs: number | undefined
  readonly withinBound: boolean
  /** Seeds with at least one violation or failed call. */
  readonly failingSeeds: readonly number[]
}

/** Runs a scenario with each seed, one after the other, and sums the results. */
export async function runRow(scenario: Scenario, seeds: readonly number[], overrides: Partial<WorldSettings> = {}): Promise<Row> {
  const runs: RunResult[] = []
  for (const seed of seeds) runs.push(await runScenario(scenario, seed, overrides))
  return rowOf(scenario, runs)
}

/** Sums runs of one scenario (random or scripted) into a row of the table. */
export function rowOf(scenario: Scenario, runs: readonly RunResult[]): Row {
  const sum = (pick: (run: RunResult) => number) => runs.reduce((total, run) => total + pick(run), 0)
  const max = (pick: (run: RunResult) => number) => Math.max(0, ...runs.map(pick))
  const bound = runs[0]?.bound ?? scenario.bound({ ...DEFAULT_SETTINGS, ...scenario.topology })
  return {
    scenario,
    seeds: runs.map((run) => run.seed),
    runs,
    operations: sum((run) => run.report.operations),
    reads: sum((run) => run.report.reads),
    violations: sum((run) => run.report.violations.length),
    failedCalls: sum((run) => run.outcome.errors.length),
    worstStalenessMs: max((run) => run.report.worstStalenessMs),
    p99StalenessMs: max((run) => run.report.p99StalenessMs),
    boundMs: bound.staleMs,
    sessionBoundMs: bound.sessionStaleMs,
    isolateBoundMs: bound.isolateStaleMs,
    withinBound: runs.every((run) => run.withinBound),
    failingSeeds: runs.filter((run) => !run.withinBound).map((run) => run.seed),
  }
}

/** The table as Markdown: one line per scenario. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['mode', 'expected', 'ops', 'reads', 'violations', 'failed calls', 'worst staleness', 'p99 staleness', 'declared bound', 'within bound']
  const lines = rows.map((row) => [
    row.scenario.name,
    row.scenario.expect === 'within-bound' ? 'within bound' : 'caught',
    String(row.operations),
    String(row.reads),
    String(row.violations),
    String(row.failedCalls),
    formatMs(row.worstStalenessMs),
    formatMs(row.p99StalenessMs),
    formatMs(row.boundMs) +
      (row.sessionBoundMs === undefined ? '' : ` (own session: ${formatMs(row.sessionBoundMs)})`) +
      (row.isolateBoundMs === undefined ? '' : ` (writer's isolate: ${formatMs(row.isolateBoundMs)})`),
    row.withinBound ? 'yes' : `no (seeds ${row.failingSeeds.join(', ')})`,
  ])
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
}
