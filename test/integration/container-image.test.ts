/**
 * The container image as far as it can be checked without a container daemon. The Dockerfile's shape:
 * multi-stage on a slim Node 24 base, non-root, a /data volume, a liveness HEALTHCHECK, only existing
 * sources copied and nothing of them excluded by .dockerignore. Then its command as the image runs it
 * (ENTRYPOINT + CMD + ENV, DATABASE_URL moved into a temporary data directory) under Node's permission
 * model allowing writes in that directory only, which stands in for a read-only root filesystem: it gets
 * ready, stores data, passes the HEALTHCHECK command, and on SIGTERM answers its parked long poll and
 * exits 0. (Native code, i.e. SQLite itself, is outside the permission model; it writes only the database.)
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/services/secrets.ts';
import { waitForHttp } from '../helpers/cli.ts';
import { repoRoot } from '../helpers/deploy-files.ts';
import { dockerfileStages, dockerignore, execForm, stageEnv } from '../helpers/dockerfile.ts';
import { freePort } from '../helpers/ports.ts';

const { stages } = dockerfileStages();
const runtime = stages.at(-1)!;
const of = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

describe('Dockerfile', () => {
  it('builds in stages on a slim Node 24 base and runs as a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toMatch(/^node:24(\.\d+)*-\w+-slim$/);
    expect(of('COPY').some((a) => a.startsWith('--from=deps'))).toBe(true);
    // The console is built in its own stage (Vite needs the dev dependencies); only its output is copied.
    expect(of('COPY')).toContain('--from=console /app/dist/console ./dist/console');
    expect(stages.find((s) => s.name === 'console')?.instructions.some((i) => i.keyword === 'RUN' && i.args.includes('scripts/build-console.ts'))).toBe(true);
    // So is the single-file server, which the image runs.
    expect(of('COPY')).toContain('--from=server /app/dist/server ./dist/server');
    expect(stages.find((s) => s.name === 'server')?.instructions.some((i) => i.keyword === 'RUN' && i.args.includes('scripts/build-server.ts'))).toBe(true);
    expect(execForm(runtime, 'ENTRYPOINT')).toContain('dist/server/agentry.js');
    expect(of('USER').at(-1)).toBe('node');
    expect(of('RUN').join(' ')).not.toMatch(/npm (ci|install)/); // dependencies come from the build stage
  });

  it('keeps its data in a /data volume and checks liveness', () => {
    expect(of('VOLUME')).toEqual(['["/data"]']);
    expect(stageEnv(runtime).DATABASE_URL).toBe('sqlite:/data/agentry.db');
    expect(of('RUN').join(' ')).toContain('chown node:node /data');
    expect(execForm(runtime, 'HEALTHCHECK').join(' ')).toContain('/healthz/live');
    expect(of('STOPSIGNAL')).toEqual(['SIGTERM']);
  });

  it('copies only sources that exist and that .dockerignore lets through', () => {
    const ignored = dockerignore();
    for (const pattern of ['.git', '.tools', 'node_modules', 'data', '.env']) expect(ignored).toContain(pattern);
    const sources = stages.flatMap((s) => s.instructions.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(' ').slice(0, -1)));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect({ source, exists: existsSync(resolve(repoRoot, source)) }).toEqual({ source, exists: true });
      expect({ source, ignored: ignored.some((p) => p === source || source.startsWith(`${p}/`)) }).toEqual({ source, ignored: false });
    }
    // The server build reads the bundled contract and the migrations at run time, and starts the SQLite
    // checkpoint worker from src/; bin/agentry.js (the CLI) runs the build or the sources.
    for (const needed of ['bin', 'src', 'generated', 'drizzle', 'package.json']) expect(sources).toContain(needed);
  });
});

describe('the image command on a read-only root', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'agentry-image-data-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves, stores data only in /data, passes its HEALTHCHECK and shuts down gracefully on SIGTERM', async () => {
    const port = await freePort();
    const adminToken = generateSecret('opk');
    const [node, ...entrypoint] = execForm(runtime, 'ENTRYPOINT');
    expect(node).toBe('node');
    const env = { ...stageEnv(runtime), PATH: process.env.PATH ?? '', HOME: dataDir, PORT: String(port), DATABASE_URL: `sqlite:${dataDir}/agentry.db`, AGENTRY_ADMIN_TOKEN: adminToken };
    const readOnlyRoot = ['--permission', '--allow-fs-read=*', `--allow-fs-write=${dataDir}`, '--allow-addons', '--allow-worker', '--no-warnings'];
    child = spawn(process.execPath, [...readOnlyRoot, ...entrypoint, ...execForm(runtime, 'CMD')], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += String(d)));
    child.stderr!.on('data', (d) => (output += String(d)));
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));

    const base = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${adminToken}` };
    expect((await waitForHttp(`${base}/healthz/ready`)).status).toBe(200);
    const created = await fetch(`${base}/api/v1/tokens`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'image', role: 'viewer' }) });
    expect(created.status).toBe(201);
    expect(readdirSync(dataDir)).toContain('agentry.db');

    const healthcheck = execForm(runtime, 'HEALTHCHECK');
    const probe = () => spawnSync(process.execPath, healthcheck.slice(1), { env: { PORT: String(port) }, encoding: 'utf8' }).status;
    expect(probe()).toBe(0);

    const { nextOffset } = (await (await fetch(`${base}/api/v1/events`, { headers: auth })).json()) as { nextOffset: number };
    const parked = fetch(`${base}/api/v1/events?wait=30&offset=${nextOffset}`, { headers: auth });
    await new Promise((r) => setTimeout(r, 300));
    const stopping = Date.now();
    child.kill('SIGTERM');
    expect((await parked).status).toBe(200);
    expect(await exited).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect(output).toContain('shutdown complete');
    expect(output).not.toContain('ERR_ACCESS_DENIED');
    expect(probe()).toBe(1);
  });
});
