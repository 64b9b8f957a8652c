// Matching of the user's --disk-exclude / --disk-include patterns against devices and mountpoints.

/**
 * `nvme*` matches by prefix, `*cache*` by substring, `*-backup` by suffix, anything else exactly.
 * Globs are kept this small on purpose: these patterns come from a command line and a config file,
 * and a user typing `sd*` expects a prefix, not a shell glob with character classes.
 */
export function matchesPattern(pattern: string, value: string): boolean {
  const p = pattern.trim();
  if (p === '' || p === '*') return p === '*';
  const starts = p.startsWith('*');
  const ends = p.endsWith('*');
  if (starts && ends) return value.includes(p.slice(1, -1));
  if (ends) return value.startsWith(p.slice(0, -1));
  if (starts) return value.endsWith(p.slice(1));
  return value === p;
}

/**
 * The names one device or mount answers to: `sda1` and `/dev/sda1` for a device path (and the last
 * component, so `vg0-data` names `/dev/mapper/vg0-data`), the mountpoint itself when there is one, so
 * `sda*`, `/dev/sda1` and `/mnt/backup` all work as patterns.
 */
export function candidateNames(device: string, mountpoint?: string): string[] {
  const names = new Set<string>();
  if (device !== '') {
    names.add(device);
    if (device.startsWith('/dev/')) {
      names.add(device.slice('/dev/'.length));
      names.add(device.slice(device.lastIndexOf('/') + 1));
    } else names.add(`/dev/${device}`);
  }
  if (mountpoint !== undefined && mountpoint !== '') names.add(mountpoint);
  return [...names];
}

/** True when any pattern matches any of the device's names. */
export function matchesAny(patterns: readonly string[], device: string, mountpoint?: string): boolean {
  if (patterns.length === 0) return false;
  const names = candidateNames(device, mountpoint);
  return patterns.some((pattern) => names.some((name) => matchesPattern(pattern, name)));
}
