/**
 * @kvcache/checker: a deterministic, seeded consistency checker. Concurrent clients read and write
 * through a cache design on simulated time over a simulated multi-location KV; `checkHistory`
 * verifies every read against the design's declared staleness bound.
 */
export { BASELINES, invalidateFirst, sharedIndex, skewedTimestamps } from './baselines'
export { coordinatorRetryWindowMs, KV_WRITE_INTERVAL_MS, kvBoundMs, kvFaultBoundMs, stampRetryWindowMs, stampWriteAllowanceMs } from './bounds'
export { CHAOS_ADMISSION, CHAOS_CAPS, CHAOS_MODES, CHAOS_SETTINGS, CHAOS_STALE_IF_ERROR_SECONDS, meteredKvStamps } from './chaos'
export { checkHistory, percentile } from './check'
export type { Bound, CheckReport, Violation, ViolationKind } from './check'
export { createRecorder } from './history'
export type { History, Operation, Recorder } from './history'
export {
  durableObject,
  durableObjectFailingBumps,
  kvBookmark,
  kvStamps,
  laggingSource,
  laggingSourceDeclared,
  memoryProcess,
  OUR_MODES,
  twoTierTrust,
} from './modes'
export { seededRandom } from './random'
export type { Random } from './random'
export { describeViolation, formatMs, formatOperation, formatTable, rowOf, runRow } from './report'
export type { Row } from './report'
export { pickerOf, zipfSampler } from './popularity'
export type { Picker, Popularity, ReadTarget } from './popularity'
export { runScenario, runWorld, START_MS } from './run'
export type { Driver, RunResult } from './run'
export { runScript } from './script'
export type { ScriptActions, Where } from './script'
export { simulatedCoordinator } from './simulated-coordinator'
export type { CoordinatorOutages, SimulatedCoordinator, SimulatedCoordinatorOptions, SimulatedCoordinatorStats } from './simulated-coordinator'
export { simulatedKv } from './simulated-kv'
export type { SimulatedKv, SimulatedKvOptions, SimulatedKvStats } from './simulated-kv'
export { simulatedStampSql } from './simulated-sql'
export type { SimulatedStampSql } from './simulated-sql'
export { isSourceUnavailable, simulatedSource, SourceUnavailableError } from './source'
export type { Source, SourceOptions, SourceOutage } from './source'
export { createVirtualTime, settle, withSimulatedGlobals } from './virtual-time'
export { keyNames, runClients } from './workload'
export type { WorkloadOutcome } from './workload'
export type { VirtualTime } from './virtual-time'
export { DEFAULT_SETTINGS } from './world'
export type { Client, WorkerRequest, Scenario, System, World, WorldSettings } from './world'
