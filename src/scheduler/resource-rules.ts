// Submit-time resource assertions: rules over USER_* and K8_* tokens, and the node table.

export const RULE_OPERATORS = ['GT', 'GE', 'LT', 'LE', 'EQ'] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

export interface ResourceRule {
  readonly operator: RuleOperator;
  readonly left_operand: string;
  readonly right_operand: string;
  readonly assert_message: string;
}

export interface TaskResourceValues {
  readonly cpu: number;
  readonly gpu: number;
  /** As written (`16Gi`). */
  readonly memory: string;
  readonly storage: string;
}

export interface RuleNode {
  readonly name: string;
  /** `pool/platform` memberships of the node, for the table. */
  readonly poolPlatforms: readonly string[];
  readonly cpu: number;
  readonly gpu: number;
  readonly memoryBytes: number;
  /** 0 when unknown: rules over K8_STORAGE are then skipped. */
  readonly storageBytes: number;
}

const rule = (operator: RuleOperator, left: string, right: string, message: string): ResourceRule => ({
  operator,
  left_operand: left,
  right_operand: right,
  assert_message: message,
});

/** The stock rules of a fresh install plus the Helm chart's GPU rules. */
export const DEFAULT_RESOURCE_RULES: Readonly<Record<string, readonly ResourceRule[]>> = {
  default_cpu: [
    rule('LE', '{{USER_CPU}}', '{{K8_CPU}}', 'Value {{USER_CPU}} too high for CPU'),
    rule('GT', '{{USER_CPU}}', '0', 'Value {{USER_CPU}} needs to be greater than 0 for CPU'),
  ],
  default_memory: [
    rule('LE', '{{USER_MEMORY}}', '{{K8_MEMORY}}', 'Value {{USER_MEMORY}} too high for memory'),
    rule('GT', '{{USER_MEMORY}}', '0', 'Value {{USER_MEMORY}} needs to be greater than 0 for memory'),
  ],
  default_storage: [
    rule('LT', '{{USER_STORAGE}}', '{{K8_STORAGE}}', 'Value {{USER_STORAGE}} too high for storage'),
    rule('GT', '{{USER_STORAGE}}', '0', 'Value {{USER_STORAGE}} needs to be greater than 0 for storage'),
  ],
  default_gpu: [
    rule('LE', '{{USER_GPU}}', '{{K8_GPU}}', 'GPU value {{USER_GPU}} too high for GPU'),
    rule('GE', '{{USER_GPU}}', '0', 'GPU value {{USER_GPU}} cannot be negative'),
  ],
};

const UNIT_KI: Readonly<Record<string, number>> = {
  Ki: 1,
  Mi: 1024,
  Gi: 1024 ** 2,
  Ti: 1024 ** 3,
  K: 1000 / 1024,
  M: 1e6 / 1024,
  G: 1e9 / 1024,
  T: 1e12 / 1024,
};

/** A number with a known unit becomes integer Ki; a plain number a float; anything else stays text. */
export function operandValue(text: string): number | string {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([KMGT]i?)?\s*$/.exec(text);
  if (m === null) return text.trim();
  const n = Number(m[1]);
  return m[2] === undefined ? n : Math.floor(n * (UNIT_KI[m[2]] ?? 1));
}

const pyFloat = (n: number): string => (Number.isInteger(n) ? `${n}.0` : String(n));

function render(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(
    /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g,
    (_, name: string) => values[name] ?? 'None',
  );
}

function holds(op: RuleOperator, left: number | string, right: number | string): boolean {
  if (typeof left !== typeof right) return false;
  switch (op) {
    case 'GT':
      return left > right;
    case 'GE':
      return left >= right;
    case 'LT':
      return left < right;
    case 'LE':
      return left <= right;
    case 'EQ':
      return left === right;
  }
}

/** Whether a rule compares against a node's resources (those need the pool's nodes to be checked). */
export const mentionsNode = (r: ResourceRule): boolean => /K8_/.test(r.left_operand + r.right_operand);

/** The first failing rule's rendered message, or null when all pass (a rule rendering empty is skipped). */
function firstFailure(
  rules: readonly ResourceRule[],
  values: Readonly<Record<string, string>>,
): string | null {
  for (const r of rules) {
    const left = render(r.left_operand, values);
    const right = render(r.right_operand, values);
    if (left.trim() === '' || right.trim() === '') continue;
    if (!holds(r.operator, operandValue(left), operandValue(right))) return render(r.assert_message, values);
  }
  return null;
}

const userValues = (t: TaskResourceValues): Record<string, string> => ({
  USER_CPU: pyFloat(t.cpu),
  USER_GPU: String(t.gpu),
  USER_MEMORY: t.memory,
  USER_STORAGE: t.storage,
});

const nodeValues = (n: RuleNode): Record<string, string> => ({
  K8_CPU: String(n.cpu),
  K8_GPU: String(n.gpu),
  K8_MEMORY: `${Math.floor(n.memoryBytes / 1024)}Ki`,
  K8_STORAGE: n.storageBytes > 0 ? `${Math.floor(n.storageBytes / 1024)}Ki` : '',
});

/**
 * Checks one task against the rules of its platform: static rules once, node rules against each
 * node until one passes. Returns the user-facing error text, or null when the task may be admitted.
 */
export function checkTaskResources(
  taskName: string,
  task: TaskResourceValues,
  rules: readonly ResourceRule[],
  nodes: readonly RuleNode[],
  where: { readonly pool: string; readonly platform: string },
): string | null {
  const user = userValues(task);
  const staticFailure = firstFailure(
    rules.filter((r) => !mentionsNode(r)),
    user,
  );
  const header = `Resource validation failed for task: ${taskName}`;
  if (staticFailure !== null) return `${header}\nAssertion failed for task ${taskName}: ${staticFailure}`;
  const nodeRules = rules.filter(mentionsNode);
  if (nodeRules.length === 0) return null;
  if (nodes.length === 0)
    return `There are no resources in platform ${where.platform} and pool ${where.pool}!`;
  const failing: string[][] = [];
  for (const n of nodes) {
    const failure = firstFailure(nodeRules, { ...user, ...nodeValues(n) });
    if (failure === null) return null;
    failing.push([
      n.name,
      `[${n.poolPlatforms.map((p) => `'${p}'`).join(', ')}]`,
      String(Math.floor(n.storageBytes / 1024 ** 3)),
      String(n.cpu),
      String(Math.floor(n.memoryBytes / 1024 ** 3)),
      String(n.gpu),
      '-',
      `Assertion failed for task ${taskName}: ${failure}`,
    ]);
  }
  const table = nodeTable(
    ['node', 'pool/platform', 'storage', 'cpu', 'memory', 'gpu', 'cuda-driver', 'reason'],
    failing,
  );
  return `${header}\n${table}Please check available resources with "osmo resource list".`;
}

function nodeTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    widths
      .map((w, i) => (cells[i] ?? '').padEnd(w))
      .join('   ')
      .trimEnd();
  const rule = '='.repeat(widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1));
  return [line(headers), rule, ...rows.map(line)].map((l) => `${l}\n`).join('');
}
