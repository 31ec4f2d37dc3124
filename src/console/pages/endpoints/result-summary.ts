/** One line saying what a check saw, from the result object the agent sent (fields by check type; missing ones are skipped). */
type Result = Record<string, unknown>;

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The error texts a result carries: `error`, `errors` or `error_details.errors`. */
function errors(r: Result): string[] {
  const out: string[] = [];
  const one = text(r.error);
  if (one) out.push(one);
  const details = r.error_details;
  const lists = [r.errors, typeof details === 'object' && details !== null ? (details as Result).errors : undefined];
  for (const list of lists) if (Array.isArray(list)) for (const e of list) if (text(e)) out.push(e as string);
  return out;
}

export function resultSummary(checkType: string, r: Result): string {
  const parts: string[] = [];
  switch (checkType) {
    case 'ping': {
      const ok = count(r.successes);
      const failed = count(r.failures);
      if (ok !== null && failed !== null) parts.push(`${ok} of ${ok + failed} probes answered`);
      if (text(r.resolved_ip)) parts.push(`${r.resolved_ip}`);
      break;
    }
    case 'traceroute':
      if (Array.isArray(r.hops)) parts.push(`${r.hops.length} hops`);
      if (typeof r.target_reached === 'boolean') parts.push(r.target_reached ? 'target reached' : 'target not reached');
      break;
    case 'httpget':
      if (count(r.status_code) !== null) parts.push(`HTTP ${r.status_code}`);
      break;
    case 'plugin':
      if (text(r.plugin_name)) parts.push(`${r.plugin_name}`);
      break;
    default:
      if (text(r.resolved_ip)) parts.push(`${r.resolved_ip}`);
  }
  return [...parts, ...errors(r)].join(' · ');
}
