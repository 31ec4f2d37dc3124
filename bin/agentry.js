#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=16
// The package's entry: the single-file server build (dist/server/agentry.js, made by scripts/build-server.ts;
// ~55 MiB less RSS, README, Memory) when it is newer than every source, else the TypeScript sources through
// Node's type stripping, so an edited checkout never runs stale code. Runs with a 16 MiB young generation per
// semi-space and two malloc arenas (README, Memory).
import { existsSync, readdirSync, statSync } from 'node:fs';

const build = new URL('../dist/server/agentry.js', import.meta.url);
const newest = (url) => {
  const stat = statSync(url);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(url).map((name) => newest(new URL(`${name}${statSync(new URL(name, url)).isDirectory() ? '/' : ''}`, url))));
};
const fresh = existsSync(build) && ['../src/', '../generated/'].every((dir) => newest(new URL(dir, import.meta.url)) <= statSync(build).mtimeMs);
await import(fresh ? build.href : '../src/main.ts');
