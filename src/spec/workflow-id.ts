// Workflow IDs `<name>-<n>`.

/** What the CLI searches for to decide whether a submit argument is a workflow ID rather than a file. */
export const WORKFLOW_ID_PATTERN = /[a-zA-Z]([a-zA-Z0-9_-]*[a-zA-Z0-9])?-\d+$/;

export function makeWorkflowId(name: string, jobId: number): string {
  return `${name}-${jobId}`;
}

/** Splits at the last `-`; null when the text is not `<name>-<digits>`. */
export function splitWorkflowId(id: string): { readonly name: string; readonly jobId: number } | null {
  const at = id.lastIndexOf('-');
  if (at <= 0) return null;
  const digits = id.slice(at + 1);
  if (!/^\d+$/.test(digits)) return null;
  return { name: id.slice(0, at), jobId: Number(digits) };
}
