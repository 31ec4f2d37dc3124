/**
 * A renderer for the subset of kustomize that deploy/k8s/ uses, so that tests can render every overlay
 * without kubectl: `resources` (files, multi-document YAML, or directories with their own
 * kustomization), strategic-merge `patches` by path, `images`, `namespace` and `labels`. Any other
 * kustomization field is an error rather than being ignored, so a manifest change that needs more of
 * kustomize fails the test instead of rendering something else than `kubectl apply -k` would.
 *
 *   node scripts/kustomize.ts deploy/k8s/overlays/production   # prints the rendered YAML
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } } & Record<string, unknown>;
type Json = Record<string, unknown>;

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  namespace?: string;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { path: string }[];
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'patches']);
/** Kinds without a namespace among those the manifests use. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'IngressClass', 'PriorityClass']);
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet']);

export function render(dir: string): Manifest[] {
  const file = resolve(dir, 'kustomization.yaml');
  const k = readYaml(file)[0] as Kustomization;
  const unsupported = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0) throw new Error(`${file}: kustomization fields not supported by this renderer: ${unsupported.join(', ')}`);
  let manifests: Manifest[] = [];
  for (const entry of k.resources ?? []) {
    const path = resolve(dir, entry);
    manifests.push(...(statSync(path).isDirectory() ? render(path) : (readYaml(path) as Manifest[])));
  }
  for (const patch of k.patches ?? []) {
    if (Object.keys(patch).some((key) => key !== 'path')) throw new Error(`${file}: only patches by path (strategic merge) are supported`);
    for (const doc of readYaml(resolve(dir, patch.path)) as Manifest[]) {
      const index = manifests.findIndex((m) => m.kind === doc.kind && m.metadata.name === doc.metadata.name && group(m.apiVersion) === group(doc.apiVersion));
      if (index < 0) throw new Error(`${file}: patch ${patch.path} matches no ${doc.kind} named ${doc.metadata.name}`);
      manifests[index] = strategicMerge(manifests[index]!, doc) as Manifest;
    }
  }
  manifests = manifests.map((m) => structuredClone(m));
  for (const m of manifests) {
    for (const image of k.images ?? []) for (const c of podContainers(m)) if (imageName(String(c.image)) === image.name) c.image = `${image.newName ?? image.name}${image.newTag ? `:${image.newTag}` : ''}`;
    if (k.namespace && !CLUSTER_SCOPED.has(m.kind)) m.metadata.namespace = k.namespace;
    if (k.namespace && m.kind === 'Namespace' && m.metadata.name !== k.namespace) throw new Error(`${file}: Namespace ${m.metadata.name} is not the overlay's namespace ${k.namespace}`);
    for (const { pairs, includeSelectors, includeTemplates } of k.labels ?? []) {
      if (includeSelectors) throw new Error(`${file}: labels with includeSelectors are not supported`);
      m.metadata.labels = { ...m.metadata.labels, ...pairs };
      const template = podTemplate(m);
      if (includeTemplates && template) template.metadata = { ...(template.metadata as Json), labels: { ...((template.metadata as Json)?.labels as Json), ...pairs } };
    }
  }
  return manifests;
}

/** Maps merge key by key; lists of objects with a `name` merge element by element (containers, env, volumes, ports); other lists are replaced; null removes. */
export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(patch) && patch.every((p) => isObject(p) && typeof p.name === 'string')) {
    const merged = [...base];
    for (const p of patch as Json[]) {
      const i = merged.findIndex((b) => isObject(b) && b.name === p.name);
      if (i >= 0) merged[i] = strategicMerge(merged[i], p);
      else merged.push(p);
    }
    return merged;
  }
  if (isObject(base) && isObject(patch)) {
    const merged: Json = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete merged[key];
      else merged[key] = key in base ? strategicMerge(base[key], value) : value;
    }
    return merged;
  }
  return patch;
}

function podTemplate(m: Manifest): Json | undefined {
  if (!WORKLOADS.has(m.kind)) return undefined;
  return (m.spec as Json | undefined)?.template as Json | undefined;
}

function podContainers(m: Manifest): Json[] {
  const spec = podTemplate(m)?.spec as Json | undefined;
  return [...((spec?.initContainers as Json[]) ?? []), ...((spec?.containers as Json[]) ?? [])];
}

const imageName = (image: string) => image.replace(/@.*$/, '').replace(/:[^/:]+$/, '');
const group = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function readYaml(path: string): unknown[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${path}: ${d.errors[0]!.message}`);
      return d.toJS() as unknown;
    })
    .filter((d) => d !== null);
}

if (import.meta.main) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: node scripts/kustomize.ts <directory with kustomization.yaml>');
  process.stdout.write(
    render(resolve(dir))
      .map((m) => stringify(m))
      .join('---\n'),
  );
}
