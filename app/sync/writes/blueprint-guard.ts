/** The `service` blueprint the built-in default mapping writes to, created when the catalog lacks it. */
import { PortApiError, type PortClient } from '../../../src/port/index.ts';
import { DEFAULT_SERVICE_BLUEPRINT } from '../mapping/index.ts';

export class ServiceBlueprintGuard {
  private readonly port: PortClient;
  private ensured: Promise<void> | undefined;

  constructor(port: PortClient) {
    this.port = port;
  }

  /** Once per process while it succeeds: one GET, and a create when the blueprint is missing. */
  ensure(): Promise<void> {
    this.ensured ??= this.check().catch((error: unknown) => {
      this.ensured = undefined;
      throw error;
    });
    return this.ensured;
  }

  /** The blueprint went missing after all (someone deleted it): check again on the next write. */
  forget(): void {
    this.ensured = undefined;
  }

  private async check(): Promise<void> {
    try {
      await this.port.getBlueprint(DEFAULT_SERVICE_BLUEPRINT.identifier);
      return;
    } catch (error) {
      if (!(error instanceof PortApiError && error.status === 404)) throw error;
    }
    await this.port.upsertBlueprint(DEFAULT_SERVICE_BLUEPRINT);
  }
}
