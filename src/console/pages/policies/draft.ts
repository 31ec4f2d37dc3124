/** The policy editor's draft: form fields plus the body as JSON text, turned into the contract's PolicyCreate. */
import type { Schemas } from '../../api/client';

export interface Draft {
  name: string;
  description: string;
  scope: Schemas['PolicyScope'];
  target: string;
  priority: number;
  enabled: boolean;
  bodyText: string;
}

export const NEW_DRAFT: Draft = { name: '', description: '', scope: 'tenant', target: '', priority: 100, enabled: true, bodyText: '{\n  "heartbeatIntervalSecs": 30\n}' };

export function draftOf(p: Schemas['Policy']): Draft {
  return { name: p.name, description: p.description ?? '', scope: p.scope, target: p.target ?? '', priority: p.priority, enabled: p.enabled, bodyText: JSON.stringify(p.body, null, 2) };
}

/** The draft as the contract takes it, or the JSON syntax error of its body. */
export function toPolicy(d: Draft): { policy: Schemas['PolicyCreate'] } | { syntax: string } {
  let body: unknown;
  try {
    body = JSON.parse(d.bodyText);
  } catch (err) {
    return { syntax: (err as Error).message };
  }
  // The server validates the body against the contract's PolicyBody schema; the page only checks it is JSON.
  const policy = {
    name: d.name,
    description: d.description || undefined,
    scope: d.scope,
    target: d.scope === 'tenant' ? null : d.target,
    priority: d.priority,
    enabled: d.enabled,
    body,
  } as Schemas['PolicyCreate'];
  return { policy };
}

/** Field errors of a problem, by the editor field they belong to (paths like `body/policy/body/x`). */
export function fieldErrors(errors: { path: string; message: string }[] | undefined, prefix: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of errors ?? []) {
    if (!e.path.startsWith(prefix)) continue;
    const rest = e.path.slice(prefix.length).replace(/^\//, '');
    const field = rest.split('/')[0] || 'body';
    const key = field === 'body' || field === '' ? 'body' : field;
    out.set(key, [...(out.get(key) ?? []), rest.startsWith('body') ? `${rest.slice(5) || '(body)'}: ${e.message}` : e.message]);
  }
  return out;
}
