import { accelerateSurface } from '../shared/surface'
import { pgHarness } from './harness'

accelerateSurface(pgHarness)
