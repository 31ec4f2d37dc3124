/**
 * deploy/compose.yaml, validated and resolved by `docker-compose config` (Debian's docker-compose, no
 * daemon needed), then read: every service the stack promises, healthchecks and depends_on conditions,
 * and the files it mounts (nginx upstreams, Prometheus targets and rules, Grafana provisioning) agree
 * with the services and with what the repository ships.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertRules, deployDir } from '../../helpers/deploy-files.ts';
import { promtool, skipWithoutPromtool } from '../../helpers/promtool.ts';
import { systemTool } from '../../helpers/system-tools.ts';

const compose = systemTool('docker-compose', 'docker-compose');
const file = resolve(deployDir, 'compose.yaml');

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  /** docker-compose 1.x prints `source:target[:mode]`; a bind mount's source is an absolute path. */
  volumes?: string[];
  read_only?: boolean;
  tmpfs?: string[];
  ports?: { target: number; published: number | string }[];
}

const config = (env: NodeJS.ProcessEnv) => compose.run(['-f', file, 'config'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });

describe.skipIf(compose.skip)('deploy/compose.yaml', () => {
  let services: Record<string, Service>;
  beforeAll(() => {
    const run = config({ AGENTRY_ADMIN_TOKEN: 'opk_example' });
    expect(run.output).not.toMatch(/invalid|error/i);
    expect(run.status).toBe(0);
    // The resolved document docker-compose printed; the assertions below check the fields they read.
    services = (parse(run.stdout) as { services: Record<string, Service> }).services;
  });

  it('refuses to resolve without the admin token secret', () => {
    const run = config({});
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('AGENTRY_ADMIN_TOKEN');
  });

  it('runs Postgres, NATS with JetStream, two agentry instances behind a load balancer, Prometheus and Grafana', () => {
    expect(Object.keys(services).sort()).toEqual(['agentry-1', 'agentry-2', 'grafana', 'lb', 'migrate', 'nats', 'postgres', 'prometheus']);
    expect(services.nats!.command).toContain('--jetstream');
    for (const name of ['agentry-1', 'agentry-2']) {
      const s = services[name]!;
      expect(s.environment?.DATABASE_URL).toMatch(/^postgres:\/\/agentry:[^@]+@postgres:5432\/agentry$/);
      expect(s.environment?.NATS_URL).toBe('nats://nats:4222');
      expect(s.read_only).toBe(true);
    }
    expect(services.migrate!.command).toEqual(['migrate']);
    expect(services.lb!.ports?.map((p) => p.target)).toEqual([8080]);
  });

  it('has a healthcheck on every long-running service and a condition on every dependency', () => {
    for (const [name, s] of Object.entries(services)) {
      if (name !== 'migrate') expect({ name, healthcheck: s.healthcheck?.test.length }).toEqual({ name, healthcheck: expect.any(Number) });
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(Object.keys(services)).toContain(dep);
        expect(['service_healthy', 'service_completed_successfully', 'service_started']).toContain(condition);
      }
    }
    expect(services['agentry-1']!.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' }, nats: { condition: 'service_healthy' } });
    expect(services.migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(services.lb!.depends_on).toEqual({ 'agentry-1': { condition: 'service_healthy' }, 'agentry-2': { condition: 'service_healthy' } });
    expect(services.grafana!.depends_on).toEqual({ prometheus: { condition: 'service_healthy' } });
    expect(services['agentry-1']!.healthcheck!.test.join(' ')).toContain('/healthz/ready');
  });

  it('mounts files that exist and agree with the services', () => {
    const mounts = (s: Service) => (s.volumes ?? []).map((v) => ({ source: v.split(':')[0]!, target: v.split(':')[1]! }));
    const binds = Object.values(services).flatMap((s) => mounts(s).filter((v) => v.source.startsWith('/')));
    expect(binds.length).toBeGreaterThanOrEqual(5);
    for (const bind of binds) expect({ source: bind.source, exists: existsSync(bind.source) }).toEqual({ source: bind.source, exists: true });
    const mounted = (service: string, target: string) => mounts(services[service]!).find((v) => v.target === target)?.source;

    const nginx = readFileSync(mounted('lb', '/etc/nginx/nginx.conf')!, 'utf8');
    expect([...nginx.matchAll(/^\s*server (\S+):8080\b/gm)].map((m) => m[1])).toEqual(['agentry-1', 'agentry-2']);

    const prometheus = parse(readFileSync(mounted('prometheus', '/etc/prometheus/prometheus.yml')!, 'utf8')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    expect(prometheus.scrape_configs).toEqual([expect.objectContaining({ job_name: 'agentry', static_configs: [{ targets: ['agentry-1:8080', 'agentry-2:8080'] }] })]);
    for (const rules of prometheus.rule_files) expect(mounted('prometheus', `/etc/prometheus/${rules}`)).toBe(resolve(deployDir, 'prometheus', rules));

    const provisioning = mounted('grafana', '/etc/grafana/provisioning')!;
    const datasources = parse(readFileSync(resolve(provisioning, 'datasources/prometheus.yaml'), 'utf8')) as { datasources: { uid: string; url: string }[] };
    expect(datasources.datasources).toEqual([expect.objectContaining({ uid: 'prometheus', url: 'http://prometheus:9090' })]);
    const providers = parse(readFileSync(resolve(provisioning, 'dashboards/agentry.yaml'), 'utf8')) as { providers: { options: { path: string } }[] };
    expect(mounted('grafana', providers.providers[0]!.options.path)).toBe(resolve(deployDir, 'grafana/dashboards'));
  });

  it.skipIf(skipWithoutPromtool)('gives Prometheus a configuration promtool accepts, with the alert rules', () => {
    const check = promtool(['check', 'config', 'prometheus.yml'], { cwd: resolve(deployDir, 'prometheus') });
    expect(check.output).toContain(`SUCCESS: ${alertRules().length} rules found`);
    expect(check.status).toBe(0);
  });
});
