import { kvCacheError } from './errors'

/** Races a storage call against a budget; the timer is always cleared so no isolate is kept busy. */
export async function withTimeout<T>(work: T | Promise<T>, timeoutMs: number, what: string): Promise<T> {
  if (!(work instanceof Promise)) return work
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(kvCacheError('TIMEOUT', 'core', `${what} took longer than ${timeoutMs} ms.`)), timeoutMs)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}
