import { TextMemo } from '../bounded-map'
import type { ResolvedFieldTracking } from '../field-tracking'
import type { Catalog } from './catalog'
import type { OperationDescription } from './describe'
import type { Plan } from './planner'

/** What the planner learned about one statement text with one catalog. */
export interface LearnedPlan {
  /** True when a call's values may pin rows (a read or write by key): such a call is planned with its own keys. */
  readonly keyed: boolean
  /** The plan of every call that pins no rows; undefined until such a call was planned. */
  readonly plan: Plan | undefined
  /** For a statement its binding described (Kysely's tree): the description without row keys, to add each call's keys to. */
  readonly operation: OperationDescription | undefined
  /** The `fieldTracking` a write's plan was made with (quiet columns change it). */
  readonly fieldTracking: ResolvedFieldTracking | undefined
}

/**
 * Per catalog: an app sends the same few hundred statements over and over. At most 1 MiB of
 * statement text is kept; longer texts are planned every time instead of being kept as keys.
 */
const LIMITS = { maxEntries: 1000, maxChars: 1 << 20, maxKeyChars: 16_384 }
/** Stands for "no catalog" as a WeakMap key. */
const NO_CATALOG = {}

// Keyed by the catalog object: a refreshed or newly read catalog is another object (catalogs are
// never changed in place), so it starts with an empty memo and never serves a plan learned from
// the old one; the old memo goes with the old catalog.
const byCatalog = new WeakMap<object, TextMemo<LearnedPlan>>()

/** What was learned about `key` with this catalog (and, for a write's plan, this `fieldTracking`). */
export function recallPlan(catalog: Catalog | undefined, fieldTracking: ResolvedFieldTracking | undefined, key: string): LearnedPlan | undefined {
  const learned = byCatalog.get(catalog ?? NO_CATALOG)?.get(key)
  if (learned?.plan?.type === 'write' && learned.fieldTracking !== fieldTracking) return undefined
  return learned
}

/** Keeps what was learned about `key` with this catalog. The plan is frozen: every later call shares it. */
export function rememberPlan(catalog: Catalog | undefined, key: string, learned: LearnedPlan): void {
  let memo = byCatalog.get(catalog ?? NO_CATALOG)
  if (!memo) byCatalog.set(catalog ?? NO_CATALOG, (memo = new TextMemo(LIMITS)))
  if (learned.plan) freezePlan(learned.plan)
  memo.set(key, learned)
}

function freezePlan(plan: Plan): void {
  for (const value of Object.values(plan)) if (typeof value === 'object' && value !== null) Object.freeze(value)
  Object.freeze(plan)
}
