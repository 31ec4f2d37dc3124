/** Smotra self-registrations: pending claims keyed by the agent's own id, holding the claim-token hash. */

export interface Registration {
  agentId: string;
  claimTokenHash: string;
  hostname: string;
  agentVersion: string;
  ipAddresses: unknown[];
  pollCount: number;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  claimedAt: Date | null;
  tenantId: string | null;
  keyDeliveredAt: Date | null;
}

export type NewRegistration = Pick<Registration, 'agentId' | 'claimTokenHash' | 'hostname' | 'agentVersion' | 'ipAddresses' | 'expiresAt'>;

/** A pending registration in a page: its `id` (the cursor key) is the agent id. */
export type PendingRegistration = Registration & { id: string };
