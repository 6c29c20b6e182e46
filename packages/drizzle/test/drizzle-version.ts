import { inject } from 'vitest'

/** The major version of the drizzle-orm this Vitest project pins (0 or 1): where an API differs, tests choose by it. */
export function drizzleMajor(): number {
  return Number.parseInt(inject('drizzleVersion'), 10)
}
