import { prismaBehaviour } from '../shared/behaviour'
import { pgHarness } from './harness'

prismaBehaviour(pgHarness)
