/** Postgres schema. Keep in parity with sqlite/schema.ts (the parity test compares them). */
import { sql } from 'drizzle-orm';
import { pgTable, text, uuid, timestamp, jsonb, index, uniqueIndex, bigint, integer, primaryKey, boolean, doublePrecision, customType } from 'drizzle-orm/pg-core';
import type { CommandPayload, CommandTargets } from '../../domain/command.ts';
import type { PolicyBody } from '../../domain/policy.ts';

const time = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull().unique(),
  createdAt: time('created_at').notNull(),
});

export const operatorTokens = pgTable(
  'operator_tokens',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
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
export const consoleSessions = pgTable(
  'console_sessions',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    tokenId: uuid('token_id')
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

export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    actorType: text('actor_type', { enum: ['operator', 'agent', 'system'] }).notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id'),
    before: jsonb('before').$type<Record<string, unknown>>(),
    after: jsonb('after').$type<Record<string, unknown>>(),
    ip: text('ip'),
    requestId: text('request_id'),
    createdAt: time('created_at').notNull(),
  },
  (t) => [index('audit_log_tenant_idx').on(t.tenantId, t.id), index('audit_log_resource_idx').on(t.tenantId, t.resourceType, t.resourceId)],
);

/** The durable event feed: `seq` is the per-tenant offset clients read from (assigned from event_offsets). */
export const events = pgTable(
  'events',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    type: text('type').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: time('created_at').notNull(),
  },
  (t) => [primaryKey({ name: 'events_pkey', columns: [t.tenantId, t.seq] }), index('events_created_idx').on(t.createdAt)],
);

/** Last offset handed out per tenant. Updating it serialises publishers of one tenant, so offsets commit in order. */
export const eventOffsets = pgTable('event_offsets', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
});

/** Idempotency-Key records: one per (caller scope, key), holding the first response for replays. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    operationId: text('operation_id').notNull(),
    requestHash: text('request_hash').notNull(),
    state: text('state', { enum: ['in_progress', 'completed'] }).notNull(),
    status: integer('status'),
    headers: jsonb('headers').$type<Record<string, string>>(),
    body: text('body'),
    lockedUntil: time('locked_until').notNull(),
    expiresAt: time('expires_at').notNull(),
    createdAt: time('created_at').notNull(),
  },
  (t) => [primaryKey({ name: 'idempotency_keys_pkey', columns: [t.scope, t.key] }), index('idempotency_keys_expires_idx').on(t.expiresAt)],
);

/** Sections group agents within a tenant (a site, a team, an environment). */
export const sections = pgTable(
  'sections',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
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
export const enrollmentSecrets = pgTable(
  'enrollment_secrets',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    sectionId: uuid('section_id').references(() => sections.id, { onDelete: 'cascade' }),
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
export const agents = pgTable(
  'agents',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    sectionId: uuid('section_id').references(() => sections.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    hostname: text('hostname').notNull(),
    os: text('os'),
    arch: text('arch'),
    agentVersion: text('agent_version'),
    hardwareId: text('hardware_id'),
    capabilities: jsonb('capabilities').$type<string[]>().notNull(),
    tags: jsonb('tags').$type<string[]>().notNull(),
    ipAddresses: jsonb('ip_addresses').$type<unknown[]>(),
    status: text('status', { enum: ['active', 'revoked'] }).notNull(),
    enrolledVia: text('enrolled_via', { enum: ['secret', 'claim'] }).notNull(),
    keyHash: text('key_hash'),
    keyPrefix: text('key_prefix'),
    previousKeyHash: text('previous_key_hash'),
    previousKeyExpiresAt: time('previous_key_expires_at'),
    online: boolean('online').notNull(),
    lastSeenAt: time('last_seen_at'),
    onlineChangedAt: time('online_changed_at'),
    latestHeartbeat: jsonb('latest_heartbeat').$type<Record<string, unknown>>(),
    latestStatus: jsonb('latest_status').$type<Record<string, unknown>>(),
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
export const agentRegistrations = pgTable(
  'agent_registrations',
  {
    agentId: uuid('agent_id').primaryKey(),
    claimTokenHash: text('claim_token_hash').notNull(),
    hostname: text('hostname').notNull(),
    agentVersion: text('agent_version').notNull(),
    ipAddresses: jsonb('ip_addresses').$type<unknown[]>().notNull(),
    pollCount: integer('poll_count').notNull(),
    expiresAt: time('expires_at').notNull(),
    createdAt: time('created_at').notNull(),
    updatedAt: time('updated_at').notNull(),
    claimedAt: time('claimed_at'),
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    keyDeliveredAt: time('key_delivered_at'),
  },
  (t) => [index('agent_registrations_expires_idx').on(t.expiresAt)],
);

/**
 * The time-series layout. A series is one agent's metric with one label set, named by a small integer: samples
 * and latest values carry that id instead of the text identity, so a sample row is (series, ts, value). The
 * ingestion path keeps series ids in memory; series rows are never deleted (a cached id stays valid).
 */
export const telemetrySeries = pgTable(
  'telemetry_series',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    tenantId: uuid('tenant_id').notNull(),
    agentId: uuid('agent_id').notNull(),
    metric: text('metric').notNull(),
    /** Canonical form of `labels` ('' when none): part of the series' identity. */
    labelsKey: text('labels_key').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
  },
  (t) => [uniqueIndex('telemetry_series_key').on(t.tenantId, t.agentId, t.metric, t.labelsKey)],
);

/**
 * Samples keyed (series, ts), ts in epoch ms. Migration 0012 (custom) turns this table into a TimescaleDB
 * hypertable when the extension is available, else partitions it by range of `ts` (daily partitions
 * `telemetry_points_pYYYYMMDD` plus `telemetry_points_default`).
 */
export const telemetryPoints = pgTable(
  'telemetry_points',
  {
    seriesId: integer('series_id').notNull(),
    ts: bigint('ts', { mode: 'number' }).notNull(),
    value: doublePrecision('value').notNull(),
  },
  (t) => [primaryKey({ name: 'telemetry_points_pkey', columns: [t.seriesId, t.ts] })],
);

/**
 * The newest sample per series (replaced only by a strictly newer one), written once per series per batch.
 * Fill factor 50 (migration 0018): an update finds room on its row's page, so it is HOT (no index insert).
 */
export const telemetrySeriesLatest = pgTable('telemetry_series_latest', {
  seriesId: integer('series_id').primaryKey(),
  ts: bigint('ts', { mode: 'number' }).notNull(),
  value: doublePrecision('value').notNull(),
});

/** The current inventory snapshot per agent. */
export const inventorySnapshots = pgTable(
  'inventory_snapshots',
  {
    agentId: uuid('agent_id')
      .primaryKey()
      .references(() => agents.id, { onDelete: 'cascade' }),
    tenantId: uuid('tenant_id').notNull(),
    collectedAt: time('collected_at').notNull(),
    receivedAt: time('received_at').notNull(),
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('inventory_snapshots_tenant_idx').on(t.tenantId)],
);

/** Installed packages per agent, from its current snapshot: fleet-wide software queries read this. */
export const inventorySoftware = pgTable(
  'inventory_software',
  {
    tenantId: uuid('tenant_id').notNull(),
    agentId: uuid('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    version: text('version').notNull(),
  },
  (t) => [primaryKey({ name: 'inventory_software_pkey', columns: [t.agentId, t.name] }), index('inventory_software_tenant_name_idx').on(t.tenantId, t.name, t.version)],
);

/** Inventory change history per agent (software installed / removed / upgraded, hardware sections changed). */
export const inventoryChanges = pgTable(
  'inventory_changes',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    agentId: uuid('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['software_installed', 'software_removed', 'software_upgraded', 'hardware_changed'] }).notNull(),
    name: text('name').notNull(),
    before: jsonb('before').$type<unknown>(),
    after: jsonb('after').$type<unknown>(),
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
export const monitoredEndpoints = pgTable(
  'monitored_endpoints',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    address: text('address').notNull(),
    checkType: text('check_type', { enum: ['ping', 'tcpconnect', 'httpget', 'udpconnect', 'traceroute'] }),
    port: integer('port'),
    intervalSec: integer('interval_sec').notNull(),
    timeoutSec: integer('timeout_sec').notNull(),
    tags: jsonb('tags').$type<string[]>().notNull(),
    enabled: boolean('enabled').notNull(),
    assignedAgentIds: jsonb('assigned_agent_ids').$type<string[]>().notNull(),
    assignedSectionId: uuid('assigned_section_id'),
    assignedTags: jsonb('assigned_tags').$type<string[]>().notNull(),
    origin: text('origin', { enum: ['managed', 'agent_local'] }).notNull(),
    reportedBy: uuid('reported_by'),
    linkedEndpointId: uuid('linked_endpoint_id'),
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
export const checkResultSeries = pgTable(
  'check_result_series',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    tenantId: uuid('tenant_id').notNull(),
    endpointId: uuid('endpoint_id').notNull(),
    agentId: uuid('agent_id').notNull(),
  },
  (t) => [uniqueIndex('check_result_series_key_idx').on(t.tenantId, t.endpointId, t.agentId)],
);

/**
 * Check results, one row per result id (the agent's UUIDv7: a re-sent result is stored once), in a series.
 * The (series, ts) index covers the report's columns, so a report over raw rows reads the index only. No
 * foreign keys: results of deleted agents or endpoints are left to retention.
 */
export const checkResultPoints = pgTable(
  'check_result_points',
  {
    seriesId: integer('series_id').notNull(),
    ts: time('ts').notNull(),
    id: uuid('id').notNull(),
    checkType: text('check_type', { enum: ['ping', 'traceroute', 'tcpconnect', 'udpconnect', 'httpget', 'plugin'] }).notNull(),
    reachable: boolean('reachable').notNull(),
    latencyMs: doublePrecision('latency_ms'),
    result: jsonb('result').$type<Record<string, unknown>>().notNull(),
    receivedAt: time('received_at').notNull(),
  },
  (t) => [
    uniqueIndex('check_result_points_id_idx').on(t.id),
    index('check_result_points_series_ts_idx').on(t.seriesId, t.ts, t.reachable, t.latencyMs),
    // The unreachable results alone ("why does it fail?" lists): usually few, so cheap to keep, and a
    // list of them reads only them instead of scanning every result of the range.
    index('check_result_points_unreachable_idx').on(t.seriesId, t.ts).where(sql`not ${t.reachable}`),
  ],
);

/** The newest result per agent and endpoint (replaced only by a newer one): endpoint status reads this. */
export const endpointStates = pgTable(
  'endpoint_states',
  {
    tenantId: uuid('tenant_id').notNull(),
    agentId: uuid('agent_id').notNull(),
    endpointId: uuid('endpoint_id').notNull(),
    reachable: boolean('reachable').notNull(),
    latencyMs: doublePrecision('latency_ms'),
    checkType: text('check_type', { enum: ['ping', 'traceroute', 'tcpconnect', 'udpconnect', 'httpget', 'plugin'] }).notNull(),
    resultId: uuid('result_id').notNull(),
    checkedAt: time('checked_at').notNull(),
    changedAt: time('changed_at').notNull(),
  },
  (t) => [primaryKey({ name: 'endpoint_states_pkey', columns: [t.agentId, t.endpointId] }), index('endpoint_states_endpoint_idx').on(t.tenantId, t.endpointId)],
);

/** Policies (issue 16): `target` is a section id, a tag or an agent id depending on `scope` (null for tenant). */
export const policies = pgTable(
  'policies',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    scope: text('scope', { enum: ['tenant', 'section', 'tag', 'agent'] }).notNull(),
    target: text('target'),
    priority: integer('priority').notNull(),
    enabled: boolean('enabled').notNull(),
    body: jsonb('body').$type<PolicyBody>().notNull(),
    version: integer('version').notNull(),
    createdAt: time('created_at').notNull(),
    updatedAt: time('updated_at').notNull(),
  },
  (t) => [index('policies_tenant_scope_idx').on(t.tenantId, t.scope, t.target)],
);

/** Commands operators send (domain/command.ts); targets are resolved into executions when created. */
export const commands = pgTable(
  'commands',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    type: text('type', { enum: ['run_command', 'update_agent', 'update_package', 'rotate_key'] }).notNull(),
    payload: jsonb('payload').$type<CommandPayload>().notNull(),
    targets: jsonb('targets').$type<CommandTargets>().notNull(),
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
export const commandOutput = pgTable(
  'command_output',
  {
    commandId: uuid('command_id')
      .notNull()
      .references(() => commands.id, { onDelete: 'cascade' }),
    agentId: uuid('agent_id').notNull(),
    tenantId: uuid('tenant_id').notNull(),
    stream: text('stream', { enum: ['stdout', 'stderr'] }).notNull(),
    offset: bigint('offset', { mode: 'number' }).notNull(),
    /** UTF-8 bytes of `data`. */
    length: integer('length').notNull(),
    /** Empty when `dropped`. */
    data: text('data').notNull(),
    /** Past the output cap: counted, not kept. */
    dropped: boolean('dropped').notNull(),
  },
  (t) => [primaryKey({ columns: [t.commandId, t.agentId, t.stream, t.offset] })],
);

/**
 * One row per command and target agent. `not_before` and `expires_at` are copied from the command so that
 * a poll releases with one conditional update of this table (pending → delivered), which is what makes
 * delivery exactly-once under concurrent polls.
 */
export const commandExecutions = pgTable(
  'command_executions',
  {
    commandId: uuid('command_id')
      .notNull()
      .references(() => commands.id, { onDelete: 'cascade' }),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    agentId: uuid('agent_id').notNull(),
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
    outputBytes: bigint('output_bytes', { mode: 'number' }).notNull(),
    /** Bytes stored, at most `commands.maxOutputBytes`. */
    storedBytes: bigint('stored_bytes', { mode: 'number' }).notNull(),
    /** Some output was not stored because of the cap. */
    truncated: boolean('truncated').notNull(),
    /** Cancelled after delivery: the agent is told to stop by its next poll or output upload. */
    cancelRequested: boolean('cancel_requested').notNull(),
    updatedAt: time('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.commandId, t.agentId] }),
    index('command_executions_agent_state_idx').on(t.tenantId, t.agentId, t.state),
    index('command_executions_state_expiry_idx').on(t.state, t.expiresAt),
  ],
);

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * Check results rolled up per endpoint, agent and UTC minute, written with the results: counts, and the
 * latencies of the reachable results as little-endian float64s (exact, so reports compute true
 * percentiles from ~1/60 of the rows). Only results newly stored are added, so a re-sent one counts once.
 */
export const checkResultMinutes = pgTable(
  'check_result_minutes',
  {
    tenantId: uuid('tenant_id').notNull(),
    endpointId: uuid('endpoint_id').notNull(),
    minute: time('minute').notNull(),
    agentId: uuid('agent_id').notNull(),
    checks: integer('checks').notNull(),
    successes: integer('successes').notNull(),
    latencies: bytea('latencies').notNull(),
  },
  (t) => [primaryKey({ name: 'check_result_minutes_pkey', columns: [t.endpointId, t.minute, t.agentId] })],
);
