export interface Section {
  id: string;
  tenantId: string;
  /** Unique within the tenant. */
  name: string;
  description: string | null;
  /** Starts at 1; every change increments it. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
