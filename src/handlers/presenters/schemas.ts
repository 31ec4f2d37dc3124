/** The contract's schemas by name: each presenter is typed by the schema it produces, so contract drift fails tsc. */
import type { components } from '../../../generated/api.d.ts';

export type Schema<N extends keyof components['schemas']> = components['schemas'][N];

/** Dates go out as RFC 3339 UTC. */
export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
