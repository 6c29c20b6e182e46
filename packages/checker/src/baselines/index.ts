import type { Scenario } from '../world'
import { invalidateFirst } from './invalidate-first'
import { sharedIndex } from './shared-index'
import { skewedTimestamps } from './skewed-timestamps'

export { invalidateFirst, sharedIndex, skewedTimestamps }

/** The designs the checker must catch, implemented here only (never in the library). */
export const BASELINES: readonly Scenario[] = [sharedIndex, invalidateFirst, skewedTimestamps]
