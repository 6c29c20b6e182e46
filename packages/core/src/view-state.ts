import { maxStamp } from './clock'
import { deliver, type Isolate } from './isolate'
import type { StorageOperation } from './operations'
import type { CacheEvent, Operation, ReadContext, ReadLabels, Stamp, StorageContext } from './types'

/** The cache as one request (or tenant) sees it: its tenant, `waitUntil`, bookmark floor and listener. */
export interface ViewState {
  readonly isolate: Isolate
  readonly tenant: string | undefined
  readonly waitUntil: ((promise: Promise<unknown>) => void) | undefined
  /** The client's bookmark: entries read before it are too old for this view. */
  readonly floor: Stamp
  /** Also receives the events of this view's calls. */
  readonly listener: ((event: CacheEvent) => void) | undefined
  readonly storageContext: StorageContext
  /** What this view's reads and bumps hand the version store: a request view's memo. */
  readonly readContext: ReadContext
  /** Highest stamp this view wrote or served: the client's next bookmark. */
  seen: Stamp
  /** One read's view: the labels its events carry (computed when delivered to a listener). */
  readonly labels?: () => ReadLabels
  /** One read's view: also told each of its events (a status recorder), whoever else listens. */
  readonly observe?: (event: CacheEvent) => void
  /** One read's view: the request view whose bookmark it advances. */
  readonly owner?: ViewState
  /** True when a handler asked for `operation` events (a budget counts storage calls either way). */
  readonly metered: boolean
}

/** What a view hands storage to report its calls: to the budget, and as events when metered (undefined: nobody counts). */
export function operationHook(view: ViewState): ((operation: StorageOperation) => void) | undefined {
  const { budget } = view.isolate
  if (!view.metered && !budget) return undefined
  return (operation) => {
    budget?.record(operation)
    if (view.metered) emit(view, operation)
  }
}

/** The view of one read inside `view`: its events labelled and observed, its bookmark the request's. */
export function readView(view: ViewState, labels: () => ReadLabels, observe: ((event: CacheEvent) => void) | undefined): ViewState {
  const child: ViewState = { ...view, owner: view.owner ?? view, labels, ...(observe && { observe }) }
  // Its storage calls are reported through it too, so they carry the read's tables.
  const onOperation = operationHook(child)
  if (!onOperation) return child
  return { ...child, storageContext: { ...view.storageContext, onOperation }, readContext: { ...view.readContext, onOperation } }
}

/** Sends an event to the cache's handler and the view's own listener. */
/** False when no event of this view reaches anyone: a hit then builds none. */
export function heard(view: ViewState): boolean {
  return view.observe !== undefined || view.listener !== undefined || view.isolate.settings.onEvent !== undefined
}

export function emit(view: ViewState, event: CacheEvent): void {
  const { settings } = view.isolate
  view.observe?.(event)
  if (!settings.onEvent && !view.listener) return warnOnce(view, event)
  const labelled = view.labels ? ({ ...event, ...view.labels() } as CacheEvent) : event
  deliver(settings.onEvent, labelled)
  deliver(view.listener, labelled)
}

function warnOnce(view: ViewState, event: CacheEvent): void {
  const { warned } = view.isolate
  // Nobody listens: a setup mistake must still be seen, once per isolate. Runtime misses stay quiet.
  if (event.type === 'misconfigured') {
    const key = `${event.source}\u0000${event.problem}`
    if (warned.has(key)) return
    warned.set(key, true)
    console.warn(
      `[kvcache] [${event.source}] ${event.problem} Fix: ${event.fix} (This warning is shown once; pass \`onEvent\` to createCache to receive it as an event.)`,
    )
  }
}

export function reportError(view: ViewState, operation: Operation, error: unknown, key?: string): void {
  emit(view, key === undefined ? { type: 'error', operation, error } : { type: 'error', operation, error, key })
}

/** Records a stamp this view served or wrote, for its bookmark. */
export function see(view: ViewState, stamp: Stamp): void {
  const target = view.owner ?? view
  target.seen = maxStamp(target.seen, stamp)
}

/**
 * Work the caller may wait for (a fill after a miss): handed to `waitUntil` when the view has one,
 * so the response is not held up; otherwise awaited, so it is not lost. Failures become events.
 */
export function runInBackground(view: ViewState, work: Promise<unknown>): Promise<void> {
  const settled = track(view, work)
  if (view.waitUntil) {
    view.waitUntil(settled)
    return Promise.resolve()
  }
  return settled
}

/** Work the caller must never wait for (a fill whose lifetime arrives after the caller got its rows). */
export function runDetached(view: ViewState, work: Promise<unknown>): void {
  const settled = track(view, work)
  view.waitUntil?.(settled)
}

function track(view: ViewState, work: Promise<unknown>): Promise<void> {
  const { background } = view.isolate
  const settled = work.then(
    () => undefined,
    (error: unknown) => reportError(view, 'revalidate', error),
  )
  background.add(settled)
  void settled.finally(() => background.delete(settled))
  return settled
}
