import { describe, expect, it } from 'vitest'
import { createBreaker, noopBreaker } from '../../src/breaker'
import type { BreakerState } from '../../src/types'
import { manualClock } from '../helpers'

function setup() {
  const clock = manualClock()
  const changes: BreakerState[] = []
  const breaker = createBreaker({ failureThreshold: 3, openSeconds: 10 }, clock.now, (state) => changes.push(state))
  return { clock, changes, breaker }
}

describe('circuit breaker', () => {
  it('opens after the threshold of consecutive failures; a success in between resets the count', () => {
    const { breaker, changes } = setup()
    breaker.failure()
    breaker.failure()
    breaker.success()
    breaker.failure()
    breaker.failure()
    expect(breaker.allow()).toBe(true)
    breaker.failure()
    expect(changes).toStrictEqual(['open'])
    expect(breaker.allow()).toBe(false)
  })

  it('lets exactly one probe through after the open period; its outcome closes or reopens', () => {
    const { breaker, changes, clock } = setup()
    for (let i = 0; i < 3; i++) breaker.failure()
    clock.advanceSeconds(10)
    expect(breaker.allow()).toBe(true)
    expect(breaker.allow()).toBe(false) // the probe is in flight
    breaker.failure()
    expect(breaker.state()).toBe('open')
    clock.advanceSeconds(10)
    expect(breaker.allow()).toBe(true)
    breaker.success()
    expect(changes).toStrictEqual(['open', 'half-open', 'open', 'half-open', 'closed'])
  })

  it('forgives a failure that turned out to be a slow large read, closing an open breaker below the threshold', () => {
    const { breaker } = setup()
    for (let i = 0; i < 3; i++) breaker.failure()
    expect(breaker.state()).toBe('open')
    breaker.forgive()
    expect(breaker.state()).toBe('closed')
    expect(breaker.allow()).toBe(true)
  })

  it('disabled is a no-op breaker that always allows', () => {
    for (let i = 0; i < 100; i++) noopBreaker.failure()
    expect(noopBreaker.allow()).toBe(true)
    expect(noopBreaker.state()).toBe('closed')
  })
})
