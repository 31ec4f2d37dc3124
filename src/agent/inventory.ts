/**
 * A real inventory of this host: os, kernel, cpu, memory, disks and network interfaces from the
 * `systeminformation` library, installed packages from the host's package manager (dpkg, rpm or apk,
 * whichever is present), shaped as the contract's InventorySnapshot.
 */
import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import si from 'systeminformation';

const run = promisify(execFile);

export interface SoftwarePackage {
  name: string;
  version: string;
  source: string;
}

/** Package lists by manager: the command and how to read one line of its output. */
const MANAGERS: { source: string; cmd: string; args: string[]; parse: (line: string) => SoftwarePackage | null }[] = [
  // dpkg-query's own ${field} syntax, not a JavaScript template.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query format string
  { source: 'deb', cmd: 'dpkg-query', args: ['-W', '-f=${Package}\t${Version}\t${db:Status-Abbrev}\n'], parse: (l) => tabbed(l, 'deb', (rest) => rest.startsWith('ii')) },
  { source: 'rpm', cmd: 'rpm', args: ['-qa', '--qf', '%{NAME}\t%{VERSION}-%{RELEASE}\n'], parse: (l) => tabbed(l, 'rpm') },
  { source: 'apk', cmd: 'apk', args: ['list', '--installed'], parse: apkLine },
];

function tabbed(line: string, source: string, keep: (rest: string) => boolean = () => true): SoftwarePackage | null {
  const [name, version, ...rest] = line.split('\t');
  if (!name || version === undefined || !keep(rest.join('\t'))) return null;
  return { name: name.slice(0, 300), version: version.slice(0, 200), source };
}

/** `musl-1.2.4-r2 x86_64 {musl} (MIT) [installed]`: the name is everything before the version's dash. */
function apkLine(line: string): SoftwarePackage | null {
  const m = /^(\S+?)-(\d\S*)\s/.exec(line);
  return m ? { name: m[1]!, version: m[2]!, source: 'apk' } : null;
}

export async function installedSoftware(): Promise<SoftwarePackage[]> {
  for (const m of MANAGERS) {
    try {
      const { stdout } = await run(m.cmd, m.args, { maxBuffer: 64 * 1024 * 1024 });
      return stdout
        .split('\n')
        .flatMap((l) => m.parse(l) ?? [])
        .slice(0, 20_000);
    } catch {
      // not this manager
    }
  }
  return [];
}

export async function collectInventory(withSoftware: boolean) {
  const [os, cpu, mem, fs, ifaces, software] = await Promise.all([si.osInfo(), si.cpu(), si.mem(), si.fsSize(), si.networkInterfaces(), withSoftware ? installedSoftware() : Promise.resolve(undefined)]);
  const interfaces = Array.isArray(ifaces) ? ifaces : [ifaces];
  return {
    collectedAt: new Date().toISOString(),
    hostname: hostname(),
    os: { name: os.distro || os.platform, version: os.release, platform: os.platform, arch: os.arch },
    kernel: os.kernel,
    cpu: { model: `${cpu.manufacturer} ${cpu.brand}`.trim().slice(0, 300), cores: cpu.physicalCores, threads: cpu.cores, mhz: cpu.speed * 1000 },
    memory: { totalBytes: mem.total, swapBytes: mem.swaptotal },
    disks: fs.slice(0, 256).map((d) => ({ device: d.fs.slice(0, 300), mountpoint: d.mount.slice(0, 1000), fsType: d.type.slice(0, 50), totalBytes: Math.max(0, Math.round(d.size)) })),
    networkInterfaces: interfaces.slice(0, 256).map((n) => ({ name: n.iface.slice(0, 100), mac: n.mac.slice(0, 50), addresses: [n.ip4, n.ip6].filter(Boolean).slice(0, 64) })),
    ...(software ? { software } : {}),
  };
}
