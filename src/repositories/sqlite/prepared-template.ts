/**
 * A statement template (shared/statement-template.ts) prepared once on the connection: each run only
 * fills its parameters. Statements of a transaction run inside it (better-sqlite3 statements belong to the
 * connection, not to a transaction object).
 */
import type Database from 'better-sqlite3';
import type { Query } from 'drizzle-orm';
import { StatementTemplate } from '../shared/statement-template.ts';

export class PreparedTemplate {
  private readonly template: StatementTemplate;
  private readonly stmt: Database.Statement<unknown[]>;

  constructor(client: Database.Database, query: Query) {
    this.template = new StatementTemplate(query);
    this.stmt = client.prepare<unknown[]>(this.template.sql);
  }

  run(values: object): Database.RunResult {
    return this.stmt.run(this.template.paramsFor(values));
  }

  /** The first column of the first row (for `returning` one value). */
  value<T>(values: object): T | undefined {
    return this.stmt.pluck().get(this.template.paramsFor(values)) as T | undefined;
  }
}
