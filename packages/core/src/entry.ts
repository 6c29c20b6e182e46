import { TextMemo } from './bounded-map'
import { isStamp } from './clock'
import type { EncodedValue } from './codec'
import { parsePlan } from './codec-rows'
import type { Stamp } from './types'

/**
 * Bumped when the stored layout changes; entries of an unknown format are misses, never errors.
 * 2 added row plans (`p`): an isolate still on format 1 must not read planned rows as tagged ones.
 */
export const ENTRY_FORMAT = 2
/** Formats this version still reads. */
const READABLE_FORMATS = new Set([1, 2])

/** The small header every stored entry carries in front of its payload. */
export interface EntryHeader {
  /** Created at, epoch milliseconds. */
  readonly createdAtMs: number
  /** Freshness, seconds. */
  readonly ttlSeconds: number
  /** Stale-while-revalidate window after freshness ends, seconds. */
  readonly swrSeconds: number
  /** Scopes the value depends on, sorted and tenant-qualified. */
  readonly scopes: readonly string[]
  /** The stamps of `scopes`, as read before the loader ran. */
  readonly stamps: readonly Stamp[]
  /** A stamp minted right after `stamps` were read: orders the entry against session bookmarks. */
  readonly readStamp: Stamp
}

export interface Entry extends EntryHeader {
  readonly value: EncodedValue
}

/**
 * Layout: one JSON header line, a newline, then the payload JSON. A hit parses the small header
 * and hands the payload to JSON.parse untouched, so it costs about what a raw KV read does.
 */
export function serializeEntry(entry: Entry): string {
  const header = {
    f: ENTRY_FORMAT,
    g: entry.value.tagged ? 1 : 0,
    c: entry.createdAtMs,
    t: entry.ttlSeconds,
    s: entry.swrSeconds,
    k: entry.scopes,
    v: entry.stamps,
    r: entry.readStamp,
    ...(entry.value.plan && { p: entry.value.plan }),
  }
  return `${JSON.stringify(header)}\n${entry.value.json}`
}

/** Parses an entry; returns null for anything unknown or malformed (a miss, reported as `corrupt`). */
export function parseEntry(raw: string): Entry | null {
  const newline = raw.indexOf('\n')
  if (newline < 0) return null
  const text = raw.slice(0, newline)
  let header = headers.get(text)
  if (header === undefined) {
    const parsed = parseHeader(text)
    if (parsed === null) return null
    headers.set(text, parsed)
    header = parsed
  }
  const { tagged, plan, ...rest } = header
  return { ...rest, value: { json: raw.slice(newline + 1), tagged, ...(plan && { plan }) } }
}

type ParsedHeader = EntryHeader & Pick<EncodedValue, 'tagged' | 'plan'>

/**
 * Headers already parsed and checked in this isolate: every hit of an entry reads the same header
 * text until the entry is replaced, and parsing it was the largest part of a hit's own work. Keyed
 * by the exact text, so bytes found in storage are checked once and never trusted by likeness.
 */
const headers = /* @__PURE__ */ new TextMemo<ParsedHeader>({ maxEntries: 2048, maxChars: 1 << 19, maxKeyChars: 4096 })

function parseHeader(text: string): ParsedHeader | null {
  let header: Record<string, unknown>
  try {
    header = JSON.parse(text) as Record<string, unknown>
  } catch {
    return null
  }
  if (typeof header !== 'object' || header === null || !READABLE_FORMATS.has(header.f as number)) return null
  const { g, c, t, s, k, v, r, p } = header
  const plan = p === undefined ? undefined : parsePlan(p)
  if (p !== undefined && !plan) return null
  if (typeof c !== 'number' || typeof t !== 'number' || typeof s !== 'number') return null
  if (!Array.isArray(k) || !Array.isArray(v) || k.length !== v.length) return null
  if (!k.every((scope) => typeof scope === 'string') || !v.every(isStamp) || !isStamp(r)) return null
  // Frozen: one parsed header is shared by every hit of its entry.
  Object.freeze(k)
  Object.freeze(v)
  if (plan) Object.freeze(plan.c)
  return { createdAtMs: c, ttlSeconds: t, swrSeconds: s, scopes: k as string[], stamps: v as Stamp[], readStamp: r, tagged: g === 1, ...(plan && { plan }) }
}
