/**
 * `@kvcache/core/binding`: what ORM bindings share, for binding authors (semi-public, outside
 * semver: it changes in step with the bindings of this repository). An ORM binding is glue from
 * its ORM's hooks to these calls; every decision (which scopes a change bumps, what a read depends
 * on, options, transactions, which database an entry belongs to) is made here once.
 */
export { createBindingRuntime } from './runtime'
export type { BindingRead, BindingRuntime, BindingRuntimeOptions, DatabaseSource, WritePlan } from './runtime'
export { transactionStepOf } from './transaction-step'
export { BINDING_OPTIONS, resolveBindingOptions } from './binding-options'
export { HYPERDRIVE_LAG_SECONDS } from './source-lag'
export { bookmarkOf, sessionFor } from './session-routing'
export type { SessionChoice } from './session-routing'
export type { BindingOptions, ResolvedBindingOptions } from './binding-options'
export { planSafely } from './plan-safely'
export { statusRecorder, tellStatus, tellUncached } from '../query-status'
export type { QueryStatus } from '../query-status'
export { resolveFieldTracking } from './field-tracking-options'
export type { FieldSchema, FieldSchemaTable } from './field-tracking-options'
export { isQuietChange, splitQuiet } from '../field-tracking'
export type { FieldTracking, FieldTrackingRule, QuietRule, QuietWrite, ResolvedFieldTracking } from '../field-tracking'
export { ALL_ENTRIES_SCOPE, changeScopes, dependencyScopes, MAX_ROWS } from '../changes'
export type { Change, Dependency, RowId } from '../changes'
export { keyTypeOfSql, keyValueSpellings, rowKeySpellings } from '../row-keys'
export type { KeyType } from '../row-keys'
export { canonicalName, canonicalTable, relationSpellings } from '../relation-names'
export { assertSeconds, assertTags, describeValue, MAX_TAGS, resolveReadOptions, TAG_RULE } from '../read-options'
export type { ReadOptions, ResolvedReadOptions } from '../read-options'
export { transactionBuffer } from '../transaction'
export type { TransactionBuffer, TransactionStep } from '../transaction'
export { claimDatabase, identityOf } from '../database-identity'
export type { DatabaseHandle } from '../database-identity'
export { assertKnownOptions, nearestOption } from '../options'
export { kvCacheError } from '../errors'
