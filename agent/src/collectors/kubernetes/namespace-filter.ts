// --kube-include-namespace / --kube-exclude-namespace as one predicate.

/** Exclude wins over include; an empty include list means every namespace. Cluster-scoped objects pass. */
export function namespaceFilter(
  include: string[],
  exclude: string[],
): (namespace: string | undefined) => boolean {
  const inc = new Set(include.map((n) => n.trim()).filter(Boolean));
  const exc = new Set(exclude.map((n) => n.trim()).filter(Boolean));
  return (namespace) => {
    if (namespace === undefined || namespace === '') return true;
    if (exc.has(namespace)) return false;
    return inc.size === 0 || inc.has(namespace);
  };
}
