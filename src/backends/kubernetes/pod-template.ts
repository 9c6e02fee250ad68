// Upstream's pod-template merge: maps merge deeply, named list items merge by name, others append.
export type TemplateNode = string | number | boolean | null | readonly TemplateNode[] | TemplateObject;
export interface TemplateObject {
  readonly [key: string]: TemplateNode;
}

const isObject = (v: unknown): v is TemplateObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const nameOf = (v: TemplateNode): string | null =>
  isObject(v) && typeof v['name'] === 'string' ? v['name'] : null;

function mergeLists(base: readonly TemplateNode[], over: readonly TemplateNode[]): TemplateNode[] {
  const merged = [...base];
  for (const item of over) {
    const name = nameOf(item);
    const at = name === null ? -1 : merged.findIndex((m) => nameOf(m) === name);
    const existing = merged[at];
    if (at >= 0 && existing !== undefined) merged[at] = mergeNode(existing, item);
    else merged.push(item);
  }
  return merged;
}

function mergeNode(base: TemplateNode, over: TemplateNode): TemplateNode {
  if (isObject(base) && isObject(over)) return mergeTemplates(base, over);
  if (Array.isArray(base) && Array.isArray(over)) return mergeLists(base, over);
  return over;
}

/** The templates applied in order over `base`; none of the inputs is changed. */
export function mergeTemplates(
  base: TemplateObject,
  ...templates: readonly TemplateObject[]
): TemplateObject {
  let result: Record<string, TemplateNode> = { ...base };
  for (const template of templates) {
    const next: Record<string, TemplateNode> = { ...result };
    for (const [key, value] of Object.entries(template)) {
      const existing = next[key];
      next[key] = existing === undefined ? value : mergeNode(existing, value);
    }
    result = next;
  }
  return result;
}
