import type { Plan } from '../sql/planner'
import type { TransactionStep } from '../transaction'

/**
 * Transaction control as the SQL reader planned it (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE,
 * ROLLBACK TO), as a step of a connection's transaction buffer. A savepoint statement without a
 * name (the reader spells it '') means the innermost savepoint.
 *
 * @example
 * if (plan.type === 'transaction') return connection.transaction.run(transactionStepOf(plan), exec)
 */
export function transactionStepOf(plan: Extract<Plan, { type: 'transaction' }>): TransactionStep {
  if (plan.control !== 'savepoint') return { kind: plan.control }
  const action = plan.savepoint?.action
  const kind = action === 'release' || action === 'rollback-to' ? action : 'savepoint'
  return plan.savepoint?.name ? { kind, name: plan.savepoint.name } : { kind }
}
