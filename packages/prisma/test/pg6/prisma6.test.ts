// The whole shared suite again, on Prisma 6.16 (the oldest version the README supports).
import { expect, it } from 'vitest'
import { Prisma } from '../.generated/pg6/client/client.ts'
import { prismaBehaviour } from '../shared/behaviour'
import { nestedWrites } from '../shared/nested'
import { accelerateSurface } from '../shared/surface'
import { writeOperations } from '../shared/writes'
import { pg6Harness } from './harness'

writeOperations(pg6Harness)
nestedWrites(pg6Harness)
prismaBehaviour(pg6Harness)
accelerateSurface(pg6Harness)

it('runs on Prisma 6.16', () => {
  expect(Prisma.prismaVersion.client).toBe('6.16.3')
})
