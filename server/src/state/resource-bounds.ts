// Bounds on what a unified resource copies from the item it summarises. The full values stay once in
// their collection (`hosts[]`, `dockerHosts[]`, `kubernetesClusters[]`); a resource repeats a name in
// `name`, `displayName` and `identity.hostnames`, and a cluster's name in each of its children, so without
// a bound one long stored string would come back many times in every answer that lists resources.

/** Longest copied name, image, state or version: longer than any real one (a DNS name stops at 253). */
export const COPY_CHARS = 256;
/** Most addresses one identity list copies. */
export const COPY_ADDRESSES = 64;
/** Longest copied address: an IPv6 address with a zone index fits. */
const ADDRESS_CHARS = 64;

export function clip(value: string): string {
  return value.length > COPY_CHARS ? value.slice(0, COPY_CHARS) : value;
}

export function clipOptional(value: string | undefined): string | undefined {
  return value === undefined ? undefined : clip(value);
}

/** The first COPY_ADDRESSES distinct addresses, each cut to an address's length. */
export function addressList(values: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const value of values) {
    if (out.size >= COPY_ADDRESSES) break;
    out.add(value.length > ADDRESS_CHARS ? value.slice(0, ADDRESS_CHARS) : value);
  }
  return [...out];
}
