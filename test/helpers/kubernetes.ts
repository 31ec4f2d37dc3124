/**
 * Validation of rendered Kubernetes manifests against the API schemas of Kubernetes 1.34, offline, with
 * the `kubernetes-models` package (5.1.x): its JSON-schema validators check types, enums and required
 * fields; its TypeScript interfaces, through the compiler's excess-property check on object literals,
 * catch fields the API does not have (which the validators let through).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import type { Manifest } from '../../scripts/kustomize.ts';
import { repoRoot } from './deploy-files.ts';

export const KUBERNETES_VERSION = '1.34';

/** apiVersion/kind → module of kubernetes-models that holds its model. */
const MODELS: Record<string, string> = {
  'v1/Namespace': 'v1/Namespace',
  'v1/ServiceAccount': 'v1/ServiceAccount',
  'v1/ConfigMap': 'v1/ConfigMap',
  'v1/Secret': 'v1/Secret',
  'v1/Service': 'v1/Service',
  'apps/v1/Deployment': 'apps/v1/Deployment',
  'batch/v1/Job': 'batch/v1/Job',
  'networking.k8s.io/v1/Ingress': 'networking.k8s.io/v1/Ingress',
  'networking.k8s.io/v1/NetworkPolicy': 'networking.k8s.io/v1/NetworkPolicy',
  'autoscaling/v2/HorizontalPodAutoscaler': 'autoscaling/v2/HorizontalPodAutoscaler',
  'policy/v1/PodDisruptionBudget': 'policy/v1/PodDisruptionBudget',
};

const modelPath = (m: Manifest) => {
  const path = MODELS[`${m.apiVersion}/${m.kind}`];
  if (!path) throw new Error(`no Kubernetes ${KUBERNETES_VERSION} model known here for ${m.apiVersion} ${m.kind}`);
  return path;
};

/** The schema validator's complaint about `m`, or null when it is valid. */
export async function schemaError(m: Manifest): Promise<string | null> {
  const path = modelPath(m);
  const module = (await import(`kubernetes-models/${path}`)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = module[m.kind]!;
  try {
    new Model(m).validate();
    return null;
  } catch (err) {
    return String(err);
  }
}

/** Type errors (unknown fields first of all) of the manifests as literals of their kubernetes-models interface. */
export function typeErrors(manifests: Manifest[]): string[] {
  // Under node_modules so that the file resolves `kubernetes-models` like the repository's own code.
  const dir = resolve(repoRoot, 'node_modules/.cache/agentry-k8s-types');
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `manifests-${process.pid}.ts`);
  const lines = manifests.map((m, i) => `import type { I${m.kind} as T${i} } from 'kubernetes-models/${modelPath(m)}';\nexport const m${i}: T${i} = ${JSON.stringify(m)};`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  try {
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      types: [],
    });
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? manifests[Number(/export const m(\d+)/.exec(d.file.text.slice(d.file.text.lastIndexOf('\nexport const m', d.start)))?.[1])] : undefined;
      return `${where ? `${where.kind}/${where.metadata.name}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  } finally {
    rmSync(file, { force: true });
  }
}
