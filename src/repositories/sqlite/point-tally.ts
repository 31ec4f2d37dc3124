/**
 * How many rows telemetry_points holds, for the `telemetry_rows` gauge and the admin stats. The table is
 * WITHOUT ROWID (keyed by series and time), so there is no row-id span to read at its two ends, and a
 * count(*) reads every page on the request thread. Instead the table is counted once, on the first read,
 * and this process's inserts and prunes are added to that count after they commit. Rows written by
 * another process on the same file after that first count are not seen: an estimate, as on Postgres.
 */
export class PointTally {
  private counted: number | undefined;
  private delta = 0;

  /** Rows committed (positive) or pruned (negative) by this process. */
  add(rows: number): void {
    this.delta += rows;
  }

  rows(count: () => number): number {
    if (this.counted === undefined) {
      this.counted = count();
      this.delta = 0;
    }
    return Math.max(0, this.counted + this.delta);
  }
}
