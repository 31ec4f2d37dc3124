/**
 * deploy/k8s: every overlay renders (scripts/kustomize.ts), every manifest is valid against the Kubernetes
 * 1.34 API schemas (no unknown fields either), and the pieces fit together: probes on the real health
 * routes, selectors that match the pods, a migration init container, a NetworkPolicy that lets in only the
 * ingress controller and Prometheus and out only Postgres, NATS and DNS, and a configuration file that
 * agentry itself accepts.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Manifest, render } from '../../../scripts/kustomize.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { deployDir } from '../../helpers/deploy-files.ts';
import { KUBERNETES_VERSION, schemaError, typeErrors } from '../../helpers/kubernetes.ts';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IService } from 'kubernetes-models/v1/Service';

const k8s = resolve(deployDir, 'k8s');
const overlays = readdirSync(resolve(k8s, 'overlays'));

interface Kinds {
  Deployment: IDeployment;
  Service: IService;
  PodDisruptionBudget: IPodDisruptionBudget;
  NetworkPolicy: INetworkPolicy;
  HorizontalPodAutoscaler: IHorizontalPodAutoscaler;
  ConfigMap: IConfigMap;
}

/** The manifest of that kind, typed by its API model: the schema test validates every manifest against the same model. */
function find<K extends keyof Kinds>(manifests: Manifest[], kind: K): Kinds[K] {
  const found = manifests.find((m) => m.kind === kind);
  if (!found) throw new Error(`no ${kind}`);
  return found as unknown as Kinds[K];
}

describe(`deploy/k8s against Kubernetes ${KUBERNETES_VERSION}`, () => {
  it('has a production and a staging overlay', () => {
    expect(overlays.sort()).toEqual(['production', 'staging']);
  });

  describe.each(['base', ...overlays.map((o) => `overlays/${o}`)])('%s', (dir) => {
    const manifests = render(resolve(k8s, dir));

    it('renders every required kind, each valid against the API schema', async () => {
      const kinds = manifests.map((m) => m.kind);
      for (const kind of ['Deployment', 'Service', 'Ingress', 'ConfigMap', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'ServiceAccount']) expect(kinds).toContain(kind);
      for (const m of manifests) expect({ manifest: `${m.kind}/${m.metadata.name}`, error: await schemaError(m) }).toEqual({ manifest: `${m.kind}/${m.metadata.name}`, error: null });
    });

    it('uses no field the API does not have', () => {
      expect(typeErrors(manifests)).toEqual([]);
    }, 30_000);

    it('runs the pods with probes, resources, a rolling update and migrations first', () => {
      const deployment = find(manifests, 'Deployment').spec!;
      const pod = deployment.template.spec!;
      const [app] = pod.containers;
      expect(deployment.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
      // The autoscaler owns the pod count; the disruption budget leaves room to drain a node.
      expect(deployment.replicas).toBeUndefined();
      const hpa = find(manifests, 'HorizontalPodAutoscaler').spec!;
      expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
      expect(find(manifests, 'PodDisruptionBudget').spec?.minAvailable).toBeLessThan(hpa.minReplicas!);
      expect(app!.livenessProbe?.httpGet).toEqual({ path: '/healthz/live', port: 'http' });
      expect(app!.readinessProbe?.httpGet).toEqual({ path: '/healthz/ready', port: 'http' });
      expect(app!.resources).toEqual({ requests: expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }), limits: expect.objectContaining({ memory: expect.any(String) }) });
      expect(app!.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(pod.initContainers?.map((c) => [c.name, c.args?.[0], c.image])).toEqual([['migrate', 'migrate', app!.image]]);
      for (const c of [...(pod.initContainers ?? []), app!]) expect(c.envFrom).toEqual([{ secretRef: { name: 'agentry-secrets' } }]);
      expect(app!.image).toBe(dir === 'overlays/production' ? 'ghcr.io/agentry/agentry:0.1.0' : 'ghcr.io/agentry/agentry:latest');
    });

    it('selects its own pods everywhere', () => {
      const deployment = find(manifests, 'Deployment');
      const podLabels = deployment.spec!.template.metadata?.labels ?? {};
      const matches = (selector: Record<string, string> | undefined) => selector !== undefined && Object.entries(selector).every(([k, v]) => podLabels[k] === v);
      expect(matches(find(manifests, 'Service').spec?.selector)).toBe(true);
      expect(matches(find(manifests, 'PodDisruptionBudget').spec?.selector?.matchLabels)).toBe(true);
      expect(matches(find(manifests, 'NetworkPolicy').spec?.podSelector?.matchLabels)).toBe(true);
      expect(find(manifests, 'HorizontalPodAutoscaler').spec?.scaleTargetRef.name).toBe(deployment.metadata?.name);
    });

    it('lets in only the ingress controller and Prometheus, and out only Postgres, NATS and DNS', () => {
      const policy = find(manifests, 'NetworkPolicy').spec!;
      expect(policy.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(policy.ingress?.flatMap((r) => r.ports?.map((p) => p.port))).toEqual([8080]);
      expect(policy.egress?.map((r) => r.ports?.map((p) => `${p.protocol}/${p.port}`))).toEqual([['TCP/5432'], ['TCP/4222'], ['UDP/53', 'TCP/53']]);
    });

    it('ships a configuration file that agentry accepts', () => {
      const configMap = find(manifests, 'ConfigMap');
      expect(configMap.metadata?.name).toBe('agentry-config');
      const dirPath = mkdtempSync(join(tmpdir(), 'agentry-k8s-config-'));
      try {
        writeFileSync(join(dirPath, 'config.yaml'), configMap.data?.['config.yaml'] ?? '');
        const config = loadConfig({ file: join(dirPath, 'config.yaml'), env: { DATABASE_URL: 'postgres://agentry@postgres:5432/agentry', NATS_URL: 'nats://nats:4222' } });
        expect(config.server.port).toBe(8080);
        const grace = find(manifests, 'Deployment').spec!.template.spec!.terminationGracePeriodSeconds ?? 30;
        expect(config.server.shutdownTimeoutMs + 5000).toBeLessThan(grace * 1000);
      } finally {
        rmSync(dirPath, { recursive: true, force: true });
      }
    });
  });
});
