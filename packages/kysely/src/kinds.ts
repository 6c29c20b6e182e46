/**
 * What each Kysely operation-node kind means for the cache. Exhaustive: every kind of Kysely
 * 0.27, 0.28 and 0.29 is listed (a type test checks the installed versions against this list),
 * and a kind missing here at runtime makes the statement unsafe: a read bypasses the cache, a
 * write invalidates the whole database. Never a silent miss.
 */

export type NodeRole =
  /** Query roots and subqueries. Their write-target fields name written tables. */
  | 'select'
  | 'insert'
  | 'update'
  | 'delete'
  | 'merge'
  /** A relation: read, or written when under a write-target field; excluded when it names a CTE. */
  | 'table'
  | 'with'
  | 'cte'
  /** The name a CTE defines: not a relation. */
  | 'cte-name'
  /** A column reference: its `table` is a qualifier (alias or table name), not a relation read. */
  | 'reference'
  /** User values: never walked (a value may itself look like a node). */
  | 'value'
  /** Raw SQL text: what it reads or writes is invisible in the tree. */
  | 'raw'
  /** A function call: some change data or return something new each time (`nextval`, `random`). */
  | 'function'
  /** `for update`, `skip locked`...: a locking read belongs to the database. */
  | 'modifier'
  | 'explain'
  /** A schema change: anything cached may be wrong afterwards. */
  | 'ddl'
  /** Structure only: its children are walked. */
  | 'node'

export const NODE_ROLES = {
  AddColumnNode: 'node',
  AddConstraintNode: 'node',
  AddIndexNode: 'node',
  AddValueNode: 'node',
  AggregateFunctionNode: 'function',
  AliasNode: 'node',
  AlterColumnNode: 'node',
  AlterTableNode: 'ddl',
  AlterTypeNode: 'ddl',
  AndNode: 'node',
  BinaryOperationNode: 'node',
  CaseNode: 'node',
  CastNode: 'node',
  CheckConstraintNode: 'node',
  CollateNode: 'node',
  ColumnDefinitionNode: 'node',
  ColumnNode: 'node',
  ColumnUpdateNode: 'node',
  CommonTableExpressionNameNode: 'cte-name',
  CommonTableExpressionNode: 'cte',
  CreateIndexNode: 'ddl',
  CreateSchemaNode: 'ddl',
  CreateTableNode: 'ddl',
  CreateTypeNode: 'ddl',
  CreateViewNode: 'ddl',
  DataTypeNode: 'node',
  DefaultInsertValueNode: 'node',
  DefaultValueNode: 'node',
  DeleteQueryNode: 'delete',
  DropColumnNode: 'node',
  DropConstraintNode: 'node',
  DropIndexNode: 'ddl',
  DropSchemaNode: 'ddl',
  DropTableNode: 'ddl',
  DropTypeNode: 'ddl',
  DropViewNode: 'ddl',
  ExplainNode: 'explain',
  FetchNode: 'node',
  ForeignKeyConstraintNode: 'node',
  FromNode: 'node',
  FunctionNode: 'function',
  GeneratedNode: 'node',
  GroupByItemNode: 'node',
  GroupByNode: 'node',
  HavingNode: 'node',
  IdentifierNode: 'node',
  InsertQueryNode: 'insert',
  JSONOperatorChainNode: 'node',
  JSONPathLegNode: 'node',
  JSONPathNode: 'node',
  JSONReferenceNode: 'node',
  JoinNode: 'node',
  LimitNode: 'node',
  ListNode: 'node',
  MatchedNode: 'node',
  MergeQueryNode: 'merge',
  ModifyColumnNode: 'node',
  OffsetNode: 'node',
  OnConflictNode: 'node',
  OnDuplicateKeyNode: 'node',
  OnNode: 'node',
  OperatorNode: 'node',
  OrActionNode: 'node',
  OrNode: 'node',
  OrderByItemNode: 'node',
  OrderByNode: 'node',
  OutputNode: 'node',
  OverNode: 'node',
  ParensNode: 'node',
  PartitionByItemNode: 'node',
  PartitionByNode: 'node',
  PrimaryKeyConstraintNode: 'node',
  PrimitiveValueListNode: 'value',
  RawNode: 'raw',
  ReferenceNode: 'reference',
  ReferencesNode: 'node',
  RefreshMaterializedViewNode: 'ddl',
  RenameColumnNode: 'node',
  RenameConstraintNode: 'node',
  RenameValueNode: 'node',
  ReturningNode: 'node',
  SchemableIdentifierNode: 'node',
  SelectAllNode: 'node',
  SelectModifierNode: 'modifier',
  SelectQueryNode: 'select',
  SelectionNode: 'node',
  SetOperationNode: 'node',
  TableNode: 'table',
  TopNode: 'node',
  TupleNode: 'node',
  UnaryOperationNode: 'node',
  UniqueConstraintNode: 'node',
  UpdateQueryNode: 'update',
  UsingNode: 'node',
  ValueListNode: 'node',
  ValueNode: 'value',
  ValuesNode: 'node',
  WhenNode: 'node',
  WhereNode: 'node',
  WithNode: 'with',
} as const satisfies Record<string, NodeRole>

/** Every node kind this binding knows. */
export type KnownNodeKind = keyof typeof NODE_ROLES

/** The role of a kind, or undefined for a kind this version of the binding has never seen. */
export function roleOf(kind: string): NodeRole | undefined {
  return Object.hasOwn(NODE_ROLES, kind) ? NODE_ROLES[kind as KnownNodeKind] : undefined
}

/** Write-target fields of data-modifying nodes: relations found under them are written. */
export const WRITE_TARGETS: Readonly<Partial<Record<NodeRole, readonly string[]>>> = {
  insert: ['into'],
  // `joins` of an UPDATE are written too where the dialect allows it (MySQL multi-table update).
  update: ['table', 'joins'],
  delete: ['from'],
  merge: ['into'],
}
