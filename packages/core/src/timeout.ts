import { kvCacheError } from './errors'

/**
 * Races a storage call against a budget; the timer is always cleared so no isolate is kept busy.
 * Every read goes through here, so it is written without `async` or `Promise.race`: one promise
 * and one timer per call, nothing else.
 */
export function withTimeout<T>(work: T | Promise<T>, timeoutMs: number, what: string, call = ''): Promise<T> {
  if (!(work instanceof Promise)) return Promise.resolve(work)
  return new Promise<T>((resolve, reject) => {
    // `what` + `call` (`kv` + `.get`): the name is put together only if the call is late.
    const timer = setTimeout(() => reject(kvCacheError('TIMEOUT', 'core', `${what}${call} took longer than ${timeoutMs} ms.`)), timeoutMs)
    work.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}
