// The workflow spec engine's public surface: parse, render, validate, and the pure status rules (workflow-spec.md).

export {
  parseWorkflowSpec,
  dryRunWorkflowSpec,
  renderWorkflowTemplate,
  DEFAULT_MAX_TASKS,
  DEFAULT_TIMEOUT_SECONDS,
} from './parse-workflow-spec.js';
export type { ParseOptions } from './parse-workflow-spec.js';
export { renderWorkflowText } from './render-template.js';
export { checkAppSpec } from './app-spec.js';
export { MAX_NESTING_DEPTH, MAX_RENDERED_SPEC_CHARS } from './spec-limits.js';
export type { TemplateValues } from './render-template.js';
export type { PoolContext } from './resources.js';
export { missingPlatformMessage, unknownPlatformMessage } from './resources.js';
export { hostMountsOf, platformPermissionViolation } from './platform-permissions.js';
export type { PlatformPermissions } from './platform-permissions.js';
export { isTemplated, parseTemplateValues, parseEnvVars, typeSetValue } from './template-values.js';
export type { TemplateValue } from './template-values.js';
export { PyFloat, pyFloatRepr } from './py-float.js';
export { splitSections, TOP_LEVEL_KEYS } from './sections.js';
export { shieldTemplate, SPECIAL_TOKEN_PATTERN } from './token-shield.js';
export { renderJinja, JINJA_LIMITS } from './jinja-sandbox.js';
export { loadYaml, dumpYaml } from './yaml-dialect.js';
export { credentialReferences, redactSecrets } from './secret-redaction.js';
export { parseQuantityBytes, bytesToGib, quantityRuleText } from './quantity.js';
export { parseDurationSeconds, formatDurationSeconds } from './duration.js';
export {
  NAME_PATTERN,
  TASK_REFERENCE_PATTERN,
  RESERVED_TASK_NAME,
  DEFAULT_MAX_NAME_LENGTH,
  normaliseName,
  checkUniqueNames,
  checkNameLength,
} from './names.js';
export { resolveLabels, checkLabelKey, checkLabelValue, MAX_LABELS } from './labels.js';
export { WORKFLOW_ID_PATTERN, makeWorkflowId, splitWorkflowId } from './workflow-id.js';
export { PLATFORM_MESSAGES } from './platform-messages.js';
export { canTransitionTask, taskTransitionSources } from './task-transitions.js';
export { canTransitionGroup, groupTransitionSources } from './group-transitions.js';
export { aggregateGroupStatus } from './group-aggregation.js';
export type { TaskStatusView } from './group-aggregation.js';
export { aggregateWorkflowStatus } from './workflow-aggregation.js';
export { aggregateGroupStatusFromCounts, aggregateWorkflowStatusFromCounts } from './status-counts.js';
export type { TaskStatusCounts } from './status-counts.js';
export { siblingOutcome } from './sibling-outcome.js';
export type { FinishedTask, SiblingOutcome } from './sibling-outcome.js';
export { exitActionFor, parseExitActions, resolveExitStatus, defaultExitStatus } from './exit-actions.js';
export type { ExitActionInput, ExitResolution } from './exit-actions.js';
export {
  substituteTaskTokens,
  taskTokenValues,
  DEFAULT_OUTPUT_PATH,
  defaultInputPath,
} from './task-tokens.js';
export type { TokenContext } from './task-tokens.js';
export { EXIT_ACTIONS, TOPOLOGY_REQUIREMENTS } from './types.js';
export type {
  WorkflowSpec,
  GroupSpec,
  TaskSpec,
  FileSpec,
  CredentialSpec,
  InputSpec,
  OutputSpec,
  UrlOutputSpec,
  DatasetOutputSpec,
  CheckpointSpec,
  ExitAction,
  ExitActionRule,
  ExitActions,
  ResourceSpec,
  TopologySpec,
  TimeoutSpec,
  KpiSpec,
} from './types.js';
