// Machine and agent identity: /etc/machine-id, then a stable MAC, then the OS UUID; agent id persisted.
import { networkInterfaces } from 'node:os';
import { readText } from '../collectors/host/read-text.ts';
import { machineIdFromText } from '../collectors/host/system.ts';
import { writeFileAtomic } from '../runtime/atomic-file.ts';

const MACHINE_ID_FILES = ['/etc/machine-id', '/var/lib/dbus/machine-id'];
const VIRTUAL_PREFIXES = ['docker', 'veth', 'br-', 'cni', 'flannel', 'virbr', 'zt', 'lo'];

type Interfaces = ReturnType<typeof networkInterfaces>;

/** The first non-loopback, non-virtual interface MAC, by interface name, as `mac-<12 hex>`. */
export function macMachineId(ifaces: Interfaces): string | undefined {
  const names = Object.keys(ifaces).sort();
  for (const name of names) {
    if (VIRTUAL_PREFIXES.some((p) => name.startsWith(p))) continue;
    const mac = ifaces[name]?.find((a) => !a.internal && a.mac !== '00:00:00:00:00:00')?.mac;
    if (mac) return `mac-${mac.replaceAll(':', '').toLowerCase()}`;
  }
  return undefined;
}

export interface IdentitySources {
  readFile: (path: string) => string | undefined;
  interfaces: () => Interfaces;
  /** OS UUID from systeminformation, asked only when nothing cheaper exists. */
  osUuid: () => Promise<string | undefined>;
}

export const defaultIdentitySources: IdentitySources = {
  readFile: readText,
  interfaces: networkInterfaces,
  osUuid: async () => {
    const si = await import('systeminformation');
    const uuid = await si.uuid();
    return uuid.hardware || uuid.os || undefined;
  },
};

export async function machineId(src: IdentitySources = defaultIdentitySources): Promise<string | undefined> {
  for (const path of MACHINE_ID_FILES) {
    const text = src.readFile(path);
    const id = text === undefined ? undefined : machineIdFromText(text);
    if (id) return id;
  }
  const mac = macMachineId(src.interfaces());
  if (mac) return mac;
  const uuid = await src.osUuid();
  return uuid === undefined ? undefined : machineIdFromText(uuid);
}

/** --agent-id > agent-id file > machine id > hostname; whatever wins is written to the file. */
export function resolveAgentId(
  opts: { flag: string | undefined; file: string; machineId: string | undefined; hostname: string },
  readFile: (path: string) => string | undefined = readText,
): string {
  const id = opts.flag || readFile(opts.file)?.trim() || opts.machineId || opts.hostname;
  persistAgentId(opts.file, id);
  return id;
}

export function persistAgentId(file: string, id: string): void {
  writeFileAtomic(file, `${id}\n`);
}
