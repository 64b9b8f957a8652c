// JSON nulls removed from the objects a report is built from, as client-node's types promise.

/**
 * Deletes null fields and null list entries, in place and at any depth. client-node's models type every
 * optional field `T | undefined`, but its deserializer copies a JSON null through as null; kube-apiserver
 * leaves unset fields out, yet a proxy, another API server or an aggregated API may write null instead,
 * and a null passed on would make the report's schema refuse the whole cluster.
 */
export function pruneNulls(value: unknown): void {
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i--) {
      if (value[i] === null) value.splice(i, 1);
      else pruneNulls(value[i]);
    }
    return;
  }
  if (typeof value !== 'object' || value === null || value instanceof Date) return;
  for (const [key, field] of Object.entries(value)) {
    if (field === null) Reflect.deleteProperty(value, key);
    else pruneNulls(field);
  }
}
