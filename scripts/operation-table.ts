/** Builds the operation table (one row per operation) from the bundled document. */

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

export interface OperationRow {
  operationId: string;
  method: string;
  path: string;
  honoPath: string;
  tag: string;
  security: string[][];
  authOptional: boolean;
  roles: string[];
  idempotent: boolean;
  rateLimitClass: string;
  longPoll: boolean;
  hasBody: boolean;
  bodyContentTypes: string[];
}

type Obj = Record<string, unknown>;

export function buildOperationTable(document: Obj): OperationRow[] {
  const rows: OperationRow[] = [];
  const globalSecurity = (document.security as Obj[] | undefined) ?? [];
  for (const [path, item] of Object.entries(document.paths as Record<string, Obj>)) {
    for (const method of METHODS) {
      const op = item[method] as Obj | undefined;
      if (!op) continue;
      const operationId = op.operationId as string;
      if (!operationId) throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      const securityReqs = ((op.security as Obj[] | undefined) ?? globalSecurity).map((req) => Object.keys(req));
      const content = ((op.requestBody as Obj | undefined)?.content ?? {}) as Obj;
      rows.push({
        operationId,
        method: method.toUpperCase(),
        path,
        honoPath: path.replace(/\{([^}]+)\}/g, ':$1'),
        tag: ((op.tags as string[] | undefined) ?? ['default'])[0]!,
        security: securityReqs.filter((s) => s.length > 0),
        authOptional: securityReqs.length === 0 || securityReqs.some((s) => s.length === 0),
        roles: (op['x-roles'] as string[] | undefined) ?? [],
        idempotent: op['x-idempotent'] === true,
        rateLimitClass: (op['x-rate-limit-class'] as string | undefined) ?? 'unauthenticated',
        longPoll: op['x-long-poll'] === true,
        hasBody: op.requestBody !== undefined,
        bodyContentTypes: Object.keys(content),
      });
    }
  }
  rows.sort((a, b) => comparePaths(a.path, b.path) || a.method.localeCompare(b.method));
  return rows;
}

/**
 * Registration order: literal segments before parameters at the same depth, so that `/agents/pending`
 * is registered (and matched) before `/agents/{agentId}`.
 */
function comparePaths(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === q) continue;
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pParam = p.startsWith('{');
    const qParam = q.startsWith('{');
    if (pParam !== qParam) return pParam ? 1 : -1;
    return p.localeCompare(q);
  }
  return 0;
}

export function renderOperationTable(rows: OperationRow[]): string {
  const ids = rows.map((r) => `  | '${r.operationId}'`).join('\n');
  return `import type { operations as Operations } from './api.d.ts';

export type OperationId =
${ids};

export type SecurityScheme = 'operatorToken' | 'sessionCookie' | 'agentKeyBearer' | 'agentKeyHeader';
export type Role = 'viewer' | 'operator' | 'admin' | 'system';
export type RateLimitClass = 'agent' | 'operator' | 'admin' | 'unauthenticated';

export interface OperationDescriptor {
  /** operationId in the contract. */
  readonly operationId: OperationId;
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';
  /** Path template as written in the contract (\`/api/v1/tokens/{tokenId}\`). */
  readonly path: string;
  /** The same path in Hono's syntax (\`/api/v1/tokens/:tokenId\`). */
  readonly honoPath: string;
  readonly tag: string;
  /** Alternatives (OR) of scheme sets (AND); empty when no credentials are needed. */
  readonly security: readonly (readonly SecurityScheme[])[];
  /** True when the operation also serves callers without credentials. */
  readonly authOptional: boolean;
  /** \`x-roles\`: operator roles allowed to call; \`system\` is always allowed. */
  readonly roles: readonly Role[];
  /** \`x-idempotent\`: honours \`Idempotency-Key\`. */
  readonly idempotent: boolean;
  /** \`x-rate-limit-class\`. */
  readonly rateLimitClass: RateLimitClass;
  /** \`x-long-poll\`: exempt from the request timeout. */
  readonly longPoll: boolean;
  readonly hasBody: boolean;
  readonly bodyContentTypes: readonly string[];
}

export const operationTable = ${JSON.stringify(rows, null, 2)} as const satisfies readonly OperationDescriptor[];

/** Every operation type from the contract, keyed by operationId. */
export type OperationTypes = { [K in OperationId]: Operations[K] };
`;
}
