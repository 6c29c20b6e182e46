import { nestedWrites } from '../shared/nested'
import { writeOperations } from '../shared/writes'
import { pgHarness } from './harness'

writeOperations(pgHarness)
nestedWrites(pgHarness)
