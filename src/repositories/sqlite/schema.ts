/** SQLite schema. Times are epoch milliseconds; ids are UUIDv7 text (time-ordered). Keep in parity with postgres/schema.ts. */
import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, real, blob, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import type { CommandPayload, CommandTargets } from '../../domain/command.ts';
import type { PolicyBody } from '../../domain/policy.ts';

const time = (name: string) => integer(name, { mode: 'timestamp_ms' });

export const tenants = sqliteTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  createdAt: time('created_at').notNull(),
});

export const operatorTokens = sqliteTable(
  'operator_tokens',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    role: text('role', { enum: ['viewer', 'operator', 'admin', 'system'] }).notNull(),
    createdAt: time('created_at').notNull(),
    lastUsedAt: time('last_used_at'),
    expiresAt: time('expires_at'),
    revokedAt: time('revoked_at'),
  },
  (t) => [uniqueIndex('operator_tokens_secret_hash_key').on(t.secretHash), index('operator_tokens_tenant_idx').on(t.tenantId, t.id)],
);

/** Console sessions: the cookie's secret stored as a hash, acting as its operator token. */
export const consoleSessions = sqliteTable(
  'console_sessions',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    tokenId: text('token_id')
      .notNull()
      .references(() => operatorTokens.id, { onDelete: 'cascade' }),
    secretHash: text('secret_hash').notNull(),
    createdAt: time('created_at').notNull(),
    lastUsedAt: time('last_used_at'),
    expiresAt: time('expires_at').notNull(),
    revokedAt: time('revoked_at'),
  },
  (t) => [uniqueIndex('console_sessions_secret_hash_key').on(t.secretHash), index('console_sessions_tenant_idx').on(t.tenantId, t.id)],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    actorType: text('actor_type', { enum: ['operator', 'agent', 'system'] }).notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id'),
    before: text('before', { mode: 'json' }).$type<Record<string, unknown>>(),
    after: text('after', { mode: 'json' }).$type<Record<string, unknown>>(),
    ip: text('ip'),
    requestId: text('request_id'),
    createdAt: time('created_at').notNull(),
  },
  (t) => [index('audit_log_tenant_idx').on(t.tenantId, t.id), index('audit_log_resource_idx').on(t.tenantId, t.resourceType, t.resourceId)],
);

/** The durable event feed: `seq` is the per-tenant offset clients read from (assigned from event_offsets). */
export const events = sqliteTable(
  'events',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id'),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: time('created_at').notNull(),
  },
  (t) => [primaryKey({ name: 'events_pkey', columns: [t.tenantId, t.seq] }), index('events_created_idx').on(t.createdAt)],
);

/** Last offset handed out per tenant. Updating it serialises publishers of one tenant, so offsets commit in order. */
export const eventOffsets = sqliteTable('event_offsets', {
  tenantId: text('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  lastSeq: integer('last_seq').notNull(),
});

/** Idempotency-Key records: one per (caller scope, key), holding the first response for replays. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    operationId: text('operation_id').notNull(),
    requestHash: text('request_hash').notNull(),
    state: text('state', { enum: ['in_progress', 'completed'] }).notNull(),
    status: integer('status'),
    headers: text('headers', { mode: 'json' }).$type<Record<string, string>>(),
    body: text('body'),
    lockedUntil: time('locked_until').notNull(),
    expiresAt: time('expires_at').notNull(),
    createdAt: time('created_at').notNull(),
  },
  (t) => [primaryKey({ name: 'idempotency_keys_pkey', columns: [t.scope, t.key] }), index('idempotency_keys_expires_idx').on(t.expiresAt)],
);

/** Sections group agents within a tenant (a site, a team, an environment). */
export const sections = sqliteTable(
  'sections',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    version: integer('version').notNull(),
    createdAt: time('created_at').notNull(),
    updatedAt: time('updated_at').notNull(),
  },
  (t) => [uniqueIndex('sections_tenant_name_key').on(t.tenantId, t.name)],
);

/** Secrets agents present to enroll (`POST /agent/enroll`), per tenant or per section. Stored hashed. */
export const enrollmentSecrets = sqliteTable(
  'enrollment_secrets',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    sectionId: text('section_id').references(() => sections.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    createdAt: time('created_at').notNull(),
    expiresAt: time('expires_at'),
    revokedAt: time('revoked_at'),
    lastUsedAt: time('last_used_at'),
  },
  (t) => [uniqueIndex('enrollment_secrets_secret_hash_key').on(t.secretHash), index('enrollment_secrets_tenant_idx').on(t.tenantId, t.id)],
);

/** Enrolled or claimed agents. The key is stored as a hash; during rotation the previous hash stays valid briefly. */
export const agents = sqliteTable(
  'agents',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    sectionId: text('section_id').references(() => sections.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    hostname: text('hostname').notNull(),
    os: text('os'),
    arch: text('arch'),
    agentVersion: text('agent_version'),
    hardwareId: text('hardware_id'),
    capabilities: text('capabilities', { mode: 'json' }).$type<string[]>().notNull(),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
    ipAddresses: text('ip_addresses', { mode: 'json' }).$type<unknown[]>(),
    status: text('status', { enum: ['active', 'revoked'] }).notNull(),
    enrolledVia: text('enrolled_via', { enum: ['secret', 'claim'] }).notNull(),
    keyHash: text('key_hash'),
    keyPrefix: text('key_prefix'),
    previousKeyHash: text('previous_key_hash'),
    previousKeyExpiresAt: time('previous_key_expires_at'),
    online: integer('online', { mode: 'boolean' }).notNull(),
    lastSeenAt: time('last_seen_at'),
    onlineChangedAt: time('online_changed_at'),
    latestHeartbeat: text('latest_heartbeat', { mode: 'json' }).$type<Record<string, unknown>>(),
    latestStatus: text('latest_status', { mode: 'json' }).$type<Record<string, unknown>>(),
    statusReportedAt: time('status_reported_at'),
    version: integer('version').notNull(),
    createdAt: time('created_at').notNull(),
    updatedAt: time('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('agents_key_hash_key').on(t.keyHash),
    index('agents_previous_key_hash_idx').on(t.previousKeyHash),
    uniqueIndex('agents_tenant_hardware_key').on(t.tenantId, t.hardwareId),
    index('agents_tenant_idx').on(t.tenantId, t.id),
    index('agents_online_seen_idx').on(t.online, t.lastSeenAt),
  ],
);

/** Smotra self-registrations waiting for an operator to claim them (not yet owned by any tenant). */
export const agentRegistrations = sqliteTable(
  'agent_registrations',
  {
    agentId: text('agent_id').primaryKey(),
    claimTokenHash: text('claim_token_hash').notNull(),
    hostname: text('hostname').notNull(),
    agentVersion: text('agent_version').notNull(),
    ipAddresses: text('ip_addresses', { mode: 'json' }).$type<unknown[]>().notNull(),
    pollCount: integer('poll_count').notNull(),
    expiresAt: time('expires_at').notNull(),
    createdAt: time('created_at').notNull(),
    updatedAt: time('updated_at').notNull(),
    claimedAt: time('claimed_at'),
    tenantId: text('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    keyDeliveredAt: time('key_delivered_at'),
  },
  (t) => [index('agent_registrations_expires_idx').on(t.expiresAt)],
);

/**
 * The time-series layout. A series is one agent's metric with one label set, named by a small integer: samples
 * and latest values carry that id instead of the text identity, so a sample row is (series, ts, value). The
 * ingestion path keeps series ids in memory; series rows are never deleted (a cached id stays valid).
 */
export const telemetrySeries = sqliteTable(
  'telemetry_series',
  {
    id: integer('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    agentId: text('agent_id').notNull(),
    metric: text('metric').notNull(),
    /** Canonical form of `labels` ('' when none): part of the series' identity. */
    labelsKey: text('labels_key').notNull(),
    labels: text('labels', { mode: 'json' }).$type<Record<string, string>>().notNull(),
  },
  (t) => [uniqueIndex('telemetry_series_key').on(t.tenantId, t.agentId, t.metric, t.labelsKey)],
);

/**
 * Samples keyed (series, ts), ts in epoch ms. Migration 0011 (custom) makes it a WITHOUT ROWID table: the
 * rows live in the key's b-tree, so a range read of one series is one contiguous scan and an insert touches one tree.
 */
export const telemetryPoints = sqliteTable(
  'telemetry_points',
  {
    seriesId: integer('series_id').notNull(),
    ts: integer('ts').notNull(),
    value: real('value').notNull(),
  },
  (t) => [primaryKey({ name: 'telemetry_points_pkey', columns: [t.seriesId, t.ts] })],
);

/** The newest sample per series (replaced only by a strictly newer one), written once per series per batch. */
export const telemetrySeriesLatest = sqliteTable('telemetry_series_latest', {
  seriesId: integer('series_id').primaryKey(),
  ts: integer('ts').notNull(),
  value: real('value').notNull(),
});

/** The current inventory snapshot per agent. */
export const inventorySnapshots = sqliteTable(
  'inventory_snapshots',
  {
    agentId: text('agent_id')
      .primaryKey()
      .references(() => agents.id, { onDelete: 'cascade' }),
    tenantId: text('tenant_id').notNull(),
    collectedAt: time('collected_at').notNull(),
    receivedAt: time('received_at').notNull(),
    snapshot: text('snapshot', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('inventory_snapshots_tenant_idx').on(t.tenantId)],
);

/** Installed packages per agent, from its current snapshot: fleet-wide software queries read this. */
export const inventorySoftware = sqliteTable(
  'inventory_software',
  {
    tenantId: text('tenant_id').notNull(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    version: text('version').notNull(),
  },
  (t) => [primaryKey({ name: 'inventory_software_pkey', columns: [t.agentId, t.name] }), index('inventory_software_tenant_name_idx').on(t.tenantId, t.name, t.version)],
);

/** Inventory change history per agent (software installed / removed / upgraded, hardware sections changed). */
export const inventoryChanges = sqliteTable(
  'inventory_changes',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['software_installed', 'software_removed', 'software_upgraded', 'hardware_changed'] }).notNull(),
    name: text('name').notNull(),
    before: text('before', { mode: 'json' }).$type<unknown>(),
    after: text('after', { mode: 'json' }).$type<unknown>(),
    collectedAt: time('collected_at').notNull(),
    createdAt: time('created_at').notNull(),
  },
  (t) => [index('inventory_changes_agent_idx').on(t.tenantId, t.agentId, t.id), index('inventory_changes_created_idx').on(t.createdAt)],
);

/**
 * Monitored endpoints. The key is (tenant, id): an agent-local endpoint takes the id the agent reported,
 * which must not collide with another tenant's endpoint. Assignment is kept as JSON lists; agents' endpoint
 * lists are compiled rarely and cached, so they are filtered in code.
 */
export const monitoredEndpoints = sqliteTable(
  'monitored_endpoints',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    name: text('name').notNull(),
    address: text('address').notNull(),
    checkType: text('check_type', { enum: ['ping', 'tcpconnect', 'httpget', 'udpconnect', 'traceroute'] }),
    port: integer('port'),
    intervalSec: integer('interval_sec').notNull(),
    timeoutSec: integer('timeout_sec').notNull(),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    assignedAgentIds: text('assigned_agent_ids', { mode: 'json' }).$type<string[]>().notNull(),
    assignedSectionId: text('assigned_section_id'),
    assignedTags: text('assigned_tags', { mode: 'json' }).$type<string[]>().notNull(),
    origin: text('origin', { enum: ['managed', 'agent_local'] }).notNull(),
    reportedBy: text('reported_by'),
    linkedEndpointId: text('linked_endpoint_id'),
    version: integer('version').notNull(),
    createdAt: time('created_at').notNull(),
    updatedAt: time('updated_at').notNull(),
  },
  (t) => [primaryKey({ name: 'monitored_endpoints_pkey', columns: [t.tenantId, t.id] }), index('monitored_endpoints_linked_idx').on(t.tenantId, t.linkedEndpointId)],
);

/**
 * A series of check results: one agent's results for one endpoint id (as the agent reported it) in a
 * tenant. Result rows carry its small integer id instead of three UUIDs, which keeps them and their index
 * narrow (the ingest write's cost is mostly index pages).
 */
export const checkResultSeries = sqliteTable(
  'check_result_series',
  {
    id: integer('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    agentId: text('agent_id').notNull(),
  },
  (t) => [uniqueIndex('check_result_series_key_idx').on(t.tenantId, t.endpointId, t.agentId)],
);

/**
 * Check results, one row per result id (the agent's UUIDv7: a re-sent result is stored once), in a series.
 * The (series, ts) index covers the report's columns, so a report over raw rows reads the index only. No
 * foreign keys: results of deleted agents or endpoints are left to retention.
 */
export const checkResultPoints = sqliteTable(
  'check_result_points',
  {
    seriesId: integer('series_id').notNull(),
    ts: time('ts').notNull(),
    id: text('id').notNull(),
    checkType: text('check_type', { enum: ['ping', 'traceroute', 'tcpconnect', 'udpconnect', 'httpget', 'plugin'] }).notNull(),
    reachable: integer('reachable', { mode: 'boolean' }).notNull(),
    latencyMs: real('latency_ms'),
    result: text('result', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    receivedAt: time('received_at').notNull(),
  },
  (t) => [
    uniqueIndex('check_result_points_id_idx').on(t.id),
    index('check_result_points_series_ts_idx').on(t.seriesId, t.ts, t.reachable, t.latencyMs),
    // The unreachable results alone ("why does it fail?" lists): usually few, so cheap to keep, and a
    // list of them reads only them instead of scanning every result of the range.
    index('check_result_points_unreachable_idx').on(t.seriesId, t.ts).where(sql`${t.reachable} = 0`),
  ],
);

/** The newest result per agent and endpoint (replaced only by a newer one): endpoint status reads this. */
export const endpointStates = sqliteTable(
  'endpoint_states',
  {
    tenantId: text('tenant_id').notNull(),
    agentId: text('agent_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    reachable: integer('reachable', { mode: 'boolean' }).notNull(),
    latencyMs: real('latency_ms'),
    checkType: text('check_type', { enum: ['ping', 'traceroute', 'tcpconnect', 'udpconnect', 'httpget', 'plugin'] }).notNull(),
    resultId: text('result_id').notNull(),
    checkedAt: time('checked_at').notNull(),
    changedAt: time('changed_at').notNull(),
  },
  (t) => [primaryKey({ name: 'endpoint_states_pkey', columns: [t.agentId, t.endpointId] }), index('endpoint_states_endpoint_idx').on(t.tenantId, t.endpointId)],
);

/** Policies (issue 16): `target` is a section id, a tag or an agent id depending on `scope` (null for tenant). */
export const policies = sqliteTable(
  'policies',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    scope: text('scope', { enum: ['tenant', 'section', 'tag', 'agent'] }).notNull(),
    target: text('target'),
    priority: integer('priority').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    body: text('body', { mode: 'json' }).$type<PolicyBody>().notNull(),
    version: integer('version').notNull(),
    createdAt: time('created_at').notNull(),
    updatedAt: time('updated_at').notNull(),
  },
  (t) => [index('policies_tenant_scope_idx').on(t.tenantId, t.scope, t.target)],
);

/** Commands operators send (domain/command.ts); targets are resolved into executions when created. */
export const commands = sqliteTable(
  'commands',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    type: text('type', { enum: ['run_command', 'update_agent', 'update_package', 'rotate_key'] }).notNull(),
    payload: text('payload', { mode: 'json' }).$type<CommandPayload>().notNull(),
    targets: text('targets', { mode: 'json' }).$type<CommandTargets>().notNull(),
    ttlSec: integer('ttl_sec').notNull(),
    notBefore: time('not_before'),
    expiresAt: time('expires_at').notNull(),
    /** Rollout limits resolved to numbers at creation; null: no limit. */
    maxConcurrency: integer('max_concurrency'),
    maxErrors: integer('max_errors'),
    createdBy: text('created_by'),
    createdAt: time('created_at').notNull(),
  },
  (t) => [index('commands_tenant_idx').on(t.tenantId, t.id), index('commands_tenant_creator_idx').on(t.tenantId, t.createdBy)],
);

/** Output chunks of executions, keyed by byte offset per stream: a re-sent chunk is the same row. */
export const commandOutput = sqliteTable(
  'command_output',
  {
    commandId: text('command_id')
      .notNull()
      .references(() => commands.id, { onDelete: 'cascade' }),
    agentId: text('agent_id').notNull(),
    tenantId: text('tenant_id').notNull(),
    stream: text('stream', { enum: ['stdout', 'stderr'] }).notNull(),
    offset: integer('offset').notNull(),
    /** UTF-8 bytes of `data`. */
    length: integer('length').notNull(),
    /** Empty when `dropped`. */
    data: text('data').notNull(),
    /** Past the output cap: counted, not kept. */
    dropped: integer('dropped', { mode: 'boolean' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.commandId, t.agentId, t.stream, t.offset] })],
);

/**
 * One row per command and target agent. `not_before` and `expires_at` are copied from the command so that
 * a poll releases with one conditional update of this table (pending → delivered), which is what makes
 * delivery exactly-once under concurrent polls.
 */
export const commandExecutions = sqliteTable(
  'command_executions',
  {
    commandId: text('command_id')
      .notNull()
      .references(() => commands.id, { onDelete: 'cascade' }),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    agentId: text('agent_id').notNull(),
    state: text('state', { enum: ['pending', 'delivered', 'running', 'succeeded', 'failed', 'timed_out', 'expired', 'cancelled', 'skipped'] }).notNull(),
    reason: text('reason'),
    exitCode: integer('exit_code'),
    error: text('error'),
    notBefore: time('not_before'),
    expiresAt: time('expires_at').notNull(),
    createdAt: time('created_at').notNull(),
    deliveredAt: time('delivered_at'),
    startedAt: time('started_at'),
    finishedAt: time('finished_at'),
    /** Bytes the agent reported (the furthest offset of each stream), stored or not. */
    outputBytes: integer('output_bytes').notNull(),
    /** Bytes stored, at most `commands.maxOutputBytes`. */
    storedBytes: integer('stored_bytes').notNull(),
    /** Some output was not stored because of the cap. */
    truncated: integer('truncated', { mode: 'boolean' }).notNull(),
    /** Cancelled after delivery: the agent is told to stop by its next poll or output upload. */
    cancelRequested: integer('cancel_requested', { mode: 'boolean' }).notNull(),
    updatedAt: time('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.commandId, t.agentId] }),
    index('command_executions_agent_state_idx').on(t.tenantId, t.agentId, t.state),
    index('command_executions_state_expiry_idx').on(t.state, t.expiresAt),
  ],
);

/**
 * Check results rolled up per endpoint, agent and UTC minute, written with the results: counts, and the
 * latencies of the reachable results as little-endian float64s (exact, so reports compute true
 * percentiles from ~1/60 of the rows). Only results newly stored are added, so a re-sent one counts once.
 */
export const checkResultMinutes = sqliteTable(
  'check_result_minutes',
  {
    tenantId: text('tenant_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    minute: time('minute').notNull(),
    agentId: text('agent_id').notNull(),
    checks: integer('checks').notNull(),
    successes: integer('successes').notNull(),
    latencies: blob('latencies', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ name: 'check_result_minutes_pkey', columns: [t.endpointId, t.minute, t.agentId] })],
);
