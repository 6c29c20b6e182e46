/** Every error code the library raises. */
export type KvCacheErrorCode =
  | 'INVALID_OPTION'
  | 'UNKNOWN_OPTION'
  | 'MISSING_BINDING'
  | 'INVALID_TENANT'
  | 'UNENCODABLE'
  | 'CORRUPT_ENTRY'
  | 'CORRUPT_STAMP'
  | 'TIMEOUT'
  | 'RATE_LIMITED'
  | 'STORAGE_FAILED'
  | 'UNKNOWN_TABLE'
  | 'DATABASE_CONFLICT'

/** The one error type of @kvcache. Check it with `isKvCacheError`, which survives bundle duplication. */
export class KvCacheError extends Error {
  readonly code: KvCacheErrorCode

  constructor(code: KvCacheErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'KvCacheError'
    this.code = code
  }
}

export function isKvCacheError(value: unknown, code?: KvCacheErrorCode): value is KvCacheError {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as { name?: unknown; code?: unknown }
  return candidate.name === 'KvCacheError' && (code === undefined || candidate.code === code)
}

/** Builds the `[kvcache] [where] message` text every error uses. */
export function kvCacheError(code: KvCacheErrorCode, where: string, message: string, cause?: unknown): KvCacheError {
  return new KvCacheError(code, `[kvcache] [${where}] ${message}`, cause === undefined ? undefined : { cause })
}
