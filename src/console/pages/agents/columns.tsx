/** The agents table's columns: what each shows and which server-side sort it offers. The choice of shown columns is remembered. */
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { Schemas } from '../../api/client';
import type { paths } from '../../../../generated/api.d.ts';
import { formatAgo, formatTime } from '../../ui/time';

export type Agent = Schemas['Agent'];

/** The API's `sort` values: a column, descending with a leading '-'. */
export type AgentSort = NonNullable<NonNullable<paths['/api/v1/agents']['get']['parameters']['query']>['sort']>;
/** Columns the API can order the whole fleet by (the others would only sort one page, so they do not sort). */
export type SortColumn = Exclude<AgentSort, `-${string}`>;

export interface Column {
  id: string;
  label: string;
  cell: (a: Agent, sections: Map<string, string>) => ReactNode;
  /** The API sort this column's header sets, when it has one. */
  sort?: SortColumn;
}

const kernel = (a: Agent): string => {
  const status = a.latestStatus as Record<string, unknown> | null; // free-form agent status report
  const k = status?.kernel ?? status?.kernel_version;
  return typeof k === 'string' ? k : '';
};

export const COLUMNS: Column[] = [
  {
    id: 'hostname',
    label: 'Hostname',
    cell: (a) => (
      <Link to="/agents/$agentId" params={{ agentId: a.id }}>
        {a.hostname}
      </Link>
    ),
    sort: 'hostname',
  },
  { id: 'name', label: 'Name', cell: (a) => a.name ?? '', sort: 'name' },
  { id: 'status', label: 'Status', cell: (a) => <span className={`badge ${a.status}`}>{a.status}</span>, sort: 'status' },
  { id: 'online', label: 'Online', cell: (a) => <span className={`dot ${a.online ? 'on' : 'off'}`}>{a.online ? 'online' : 'offline'}</span> },
  { id: 'os', label: 'OS', cell: (a) => `${a.os ?? ''} ${a.arch ?? ''}`, sort: 'os' },
  { id: 'kernel', label: 'Kernel', cell: kernel },
  { id: 'section', label: 'Section', cell: (a, s) => (a.sectionId ? (s.get(a.sectionId) ?? '…') : '—') },
  {
    id: 'tags',
    label: 'Tags',
    cell: (a) =>
      a.tags.map((t) => (
        <span key={t} className="tag">
          {t}
        </span>
      )),
  },
  { id: 'agentVersion', label: 'Agent version', cell: (a) => a.agentVersion ?? '' },
  {
    id: 'lastSeen',
    label: 'Last seen',
    cell: (a) => (
      <time dateTime={a.lastSeenAt ?? undefined} title={formatTime(a.lastSeenAt)}>
        {formatAgo(a.lastSeenAt)}
      </time>
    ),
    sort: 'lastSeenAt',
  },
  { id: 'ip', label: 'IP', cell: (a) => (a.ipAddresses ?? []).join(', ') },
];

const KEY = 'agentry.agents.columns';
const DEFAULT = ['hostname', 'name', 'status', 'online', 'os', 'section', 'tags', 'agentVersion', 'lastSeen', 'ip'];

export function loadColumns(): string[] {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as unknown;
    if (Array.isArray(saved) && saved.every((s) => typeof s === 'string')) return saved;
  } catch {
    // a damaged entry falls back to the defaults
  }
  return DEFAULT;
}

export function saveColumns(ids: string[]): void {
  localStorage.setItem(KEY, JSON.stringify(ids));
}
