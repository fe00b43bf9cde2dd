import { randomBytes } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** Settings of the catalog itself, made on first use and kept in its database. */
export class SettingsStore {
  private readonly insertStatement: StatementSync;
  private readonly getStatement: StatementSync;
  private organization: string | undefined;

  constructor(db: DatabaseSync) {
    this.insertStatement = db.prepare('INSERT OR IGNORE INTO catalog_settings (key, value) VALUES (?, ?)');
    this.getStatement = db.prepare('SELECT value FROM catalog_settings WHERE key = ?');
  }

  /**
   * The catalog's organization id, in the style of the vendor's (`org_...`): one per catalog, the same across
   * restarts, answered by GET /v1/organization and carried in access tokens.
   */
  organizationId(): string {
    if (this.organization === undefined) {
      this.insertStatement.run('organization_id', `org_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`);
      this.organization = (this.getStatement.get('organization_id') as { value: string }).value;
    }
    return this.organization;
  }
}
