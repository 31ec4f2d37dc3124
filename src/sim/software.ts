/**
 * Realistic installed-software lists for simulated hosts: a Debian-like base every host has, plus a
 * role's packages (web, database, cache, build), with versions that occasionally move on (an upgrade).
 */
const BASE: [string, string][] = [
  ['adduser', '3.134'],
  ['apt', '2.6.1'],
  ['base-files', '12.4+deb12u5'],
  ['bash', '5.2.15-2+b2'],
  ['bsdutils', '1:2.38.1-5+b1'],
  ['ca-certificates', '20230311'],
  ['coreutils', '9.1-1'],
  ['curl', '7.88.1-10+deb12u5'],
  ['dash', '0.5.12-2'],
  ['debconf', '1.5.82'],
  ['dpkg', '1.21.22'],
  ['e2fsprogs', '1.47.0-2'],
  ['findutils', '4.9.0-4'],
  ['gpgv', '2.2.40-1.1'],
  ['grep', '3.8-5'],
  ['gzip', '1.12-1'],
  ['hostname', '3.23+nmu1'],
  ['init-system-helpers', '1.65.2'],
  ['iproute2', '6.1.0-3'],
  ['iputils-ping', '3:20221126-1'],
  ['less', '590-2'],
  ['libc6', '2.36-9+deb12u4'],
  ['libssl3', '3.0.11-1~deb12u2'],
  ['libsystemd0', '252.22-1~deb12u1'],
  ['login', '1:4.13+dfsg1-1+b1'],
  ['logrotate', '3.21.0-1'],
  ['mount', '2.38.1-5+b1'],
  ['ncurses-base', '6.4-4'],
  ['netbase', '6.4'],
  ['openssh-server', '1:9.2p1-2+deb12u2'],
  ['openssl', '3.0.11-1~deb12u2'],
  ['passwd', '1:4.13+dfsg1-1+b1'],
  ['perl-base', '5.36.0-7+deb12u1'],
  ['procps', '2:4.0.2-3'],
  ['sed', '4.9-1'],
  ['sudo', '1.9.13p3-1+deb12u1'],
  ['systemd', '252.22-1~deb12u1'],
  ['tar', '1.34+dfsg-1.2+deb12u1'],
  ['tzdata', '2024a-0+deb12u1'],
  ['util-linux', '2.38.1-5+b1'],
  ['vim-tiny', '2:9.0.1378-2'],
  ['wget', '1.21.3-1+b2'],
  ['zlib1g', '1:1.2.13.dfsg-1'],
];

const ROLES: Record<string, [string, string][]> = {
  web: [
    ['nginx', '1.22.1-9'],
    ['certbot', '2.1.0-4'],
    ['nodejs', '18.19.0+dfsg-6~deb12u1'],
    ['libnginx-mod-http-geoip', '1.22.1-9'],
  ],
  database: [
    ['postgresql-15', '15.6-0+deb12u1'],
    ['postgresql-client-15', '15.6-0+deb12u1'],
    ['pgbackrest', '2.44-1'],
    ['libpq5', '15.6-0+deb12u1'],
  ],
  cache: [
    ['redis-server', '5:7.0.15-1~deb12u1'],
    ['redis-tools', '5:7.0.15-1~deb12u1'],
    ['memcached', '1.6.18-1'],
  ],
  build: [
    ['gcc-12', '12.2.0-14'],
    ['make', '4.3-4.1'],
    ['git', '1:2.39.2-1.1'],
    ['python3', '3.11.2-1+b1'],
    ['docker.io', '20.10.24+dfsg1-1+b3'],
  ],
};

export const ROLE_NAMES = Object.keys(ROLES);

export interface Package {
  name: string;
  version: string;
  source: string;
}

export function softwareFor(role: string): Package[] {
  return [...BASE, ...(ROLES[role] ?? [])].map(([name, version]) => ({ name, version, source: 'deb' }));
}

/** A package moves to its next patch version (`…+sim1`, `…+sim2`): what an unattended upgrade looks like in the inventory. */
export function upgradeOne(software: Package[], random = Math.random): Package {
  const pkg = software[Math.floor(random() * software.length)]!;
  const m = /\+sim(\d+)$/.exec(pkg.version);
  pkg.version = m ? pkg.version.replace(/\d+$/, String(Number(m[1]) + 1)) : `${pkg.version}+sim1`;
  return pkg;
}
