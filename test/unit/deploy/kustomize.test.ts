/** scripts/kustomize.ts: the strategic merge the overlays rely on, and refusal of what it does not implement. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { afterAll, describe, expect, it } from 'vitest';
import { render, strategicMerge } from '../../../scripts/kustomize.ts';

const dir = mkdtempSync(join(tmpdir(), 'agentry-kustomize-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function layout(files: Record<string, string>): string {
  const root = mkdtempSync(join(dir, 'k-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, labels: { app: web } }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - { name: web, image: web, args: [serve], env: [{ name: A, value: '1' }] }
        - { name: sidecar, image: proxy:1 }
`;

describe('strategicMerge', () => {
  it('merges maps, named list items by name, replaces other lists, and deletes on null', () => {
    const base = {
      spec: {
        replicas: 2,
        paused: false,
        containers: [
          { name: 'a', image: 'x', args: ['1', '2'] },
          { name: 'b', image: 'y' },
        ],
        hosts: ['one'],
      },
    };
    const patch = {
      spec: {
        replicas: 3,
        paused: null,
        containers: [
          { name: 'a', args: ['3'] },
          { name: 'c', image: 'z' },
        ],
        hosts: ['two'],
      },
    };
    expect(strategicMerge(base, patch)).toEqual({
      spec: {
        replicas: 3,
        containers: [
          { name: 'a', image: 'x', args: ['3'] },
          { name: 'b', image: 'y' },
          { name: 'c', image: 'z' },
        ],
        hosts: ['two'],
      },
    });
  });
});

describe('render', () => {
  it('applies an overlay: resources from the base, patches, images, namespace and labels', () => {
    const root = layout({
      'base/kustomization.yaml': 'resources: [deployment.yaml]\nlabels:\n  - pairs: { team: ops }\n    includeTemplates: true\nimages:\n  - { name: web, newName: registry/web, newTag: latest }\n',
      'base/deployment.yaml': deployment,
      'prod/kustomization.yaml': 'namespace: prod\nresources: [../base]\npatches:\n  - path: patch.yaml\nimages:\n  - { name: registry/web, newTag: "1.2" }\n',
      'prod/patch.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  replicas: 4\n  template:\n    spec:\n      containers:\n        - { name: web, env: [{ name: B, value: "2" }] }\n',
    });
    const manifests = render(join(root, 'prod'));
    expect(manifests.map((m) => m.kind)).toEqual(['Deployment']);
    // The one manifest is the Deployment written above.
    const d = manifests[0] as unknown as IDeployment;
    expect(d.metadata).toEqual({ name: 'web', namespace: 'prod', labels: { app: 'web', team: 'ops' } });
    expect(d.spec?.replicas).toBe(4);
    expect(d.spec?.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(d.spec?.template.metadata?.labels).toEqual({ app: 'web', team: 'ops' });
    expect(d.spec?.template.spec?.containers).toEqual([
      {
        name: 'web',
        image: 'registry/web:1.2',
        args: ['serve'],
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      },
      { name: 'sidecar', image: 'proxy:1' },
    ]);
  });

  it('refuses kustomization fields it does not implement, and patches that match nothing', () => {
    const generator = layout({ 'kustomization.yaml': 'resources: [deployment.yaml]\nconfigMapGenerator:\n  - name: x\n', 'deployment.yaml': deployment });
    expect(() => render(generator)).toThrow(/not supported by this renderer: configMapGenerator/);
    const stray = layout({
      'kustomization.yaml': 'resources: [deployment.yaml]\npatches:\n  - path: p.yaml\n',
      'deployment.yaml': deployment,
      'p.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api }\n',
    });
    expect(() => render(stray)).toThrow(/matches no Deployment named api/);
  });
});
