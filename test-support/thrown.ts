// Tests of fail-fast configuration look at the error itself (its code, its message), so they need
// it as a value rather than `toThrow`'s one match.

/** The error `run` throws; a call that throws nothing fails the test. */
export function thrown(run: () => unknown): Error {
  try {
    run()
  } catch (error) {
    return error as Error
  }
  throw new Error('did not throw')
}
