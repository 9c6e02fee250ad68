// Upstream's strategic merge patch for PATCH config endpoints.

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function strategicMerge(original: unknown, patch: unknown): unknown {
  if (!isObject(original) || !isObject(patch)) return patch;
  const out: Record<string, unknown> = { ...original };
  for (const [key, value] of Object.entries(patch)) {
    if (isObject(value) && value['$action'] === 'delete') {
      delete out[key];
    } else if (isObject(value) && isObject(out[key])) {
      out[key] = strategicMerge(out[key], value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Keys whose values changed, recursing into maps; lists and scalars are taken whole. */
export function recursiveDiff(before: unknown, after: unknown): unknown {
  if (!isObject(before) || !isObject(after)) return after;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(before[key]) === JSON.stringify(value)) continue;
    out[key] = isObject(value) && isObject(before[key]) ? recursiveDiff(before[key], value) : value;
  }
  return out;
}
