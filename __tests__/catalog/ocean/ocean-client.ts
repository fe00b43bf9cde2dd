/**
 * The requests of Ocean's PortClient (port-labs/ocean, port_ocean/clients/port/), replayed as it sends them: the
 * same paths, bodies, query strings and headers, so the tests ask the catalog exactly what an Ocean integration
 * asks. Sources of each shape:
 * - authentication.py: POST /auth/access_token {clientId, clientSecret}; every other request carries
 *   `Authorization: Bearer <token>` and `User-Agent: port-ocean/<type>/<version>/<identifier>[/<feature>]`.
 * - mixins/entities.py: upserts (single and bulk) with upsert=true and merge, create_missing_related_entities and
 *   validation_only as "true"/"false"; deletes with delete_dependents; the search of its own entities, both the
 *   $datasource rules on /entities/search and POST /blueprints/entities/datasource-entities
 *   {datasource_prefix, datasource_suffix}.
 * - mixins/blueprints.py: DELETE /blueprints/{id}/all-entities?delete_blueprint=true.
 * - mixins/integrations.py, client.py: the integration (get, create, patch, resync-state, provision-enabled, kind
 *   examples, logs to logAttributes.ingestUrl) and GET /organization.
 */

export type UserAgentType = 'exporter' | 'gitops';

export interface OceanIdentity {
  type: string;
  version: string;
  identifier: string;
}

export interface OceanResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export interface RequestOptions {
  merge: boolean;
  create_missing_related_entities: boolean;
  delete_dependent_entities: boolean;
  validation_only: boolean;
}

/** Request options as a port app config gives them (PortAppConfig.get_port_request_options); the tests' choice. */
export const DEFAULT_REQUEST_OPTIONS: RequestOptions = {
  merge: false,
  create_missing_related_entities: true,
  delete_dependent_entities: false,
  validation_only: false,
};

export interface OceanEntity {
  identifier: string;
  blueprint: string;
  title?: string;
  properties?: Record<string, unknown>;
  relations?: Record<string, unknown>;
}

/** Python's str(bool).lower(), as Ocean writes its boolean query parameters. */
const flag = (value: boolean): string => String(value);

export class OceanClient {
  private token: string | undefined;
  private readonly baseUrl: string;
  private readonly credentials: { clientId: string; clientSecret: string };
  readonly identity: OceanIdentity;

  constructor(baseUrl: string, credentials: { clientId: string; clientSecret: string }, identity: OceanIdentity) {
    this.baseUrl = baseUrl;
    this.credentials = credentials;
    this.identity = identity;
  }

  /** PortAuthentication.user_agent */
  userAgent(feature?: UserAgentType): string {
    const { type, version, identifier } = this.identity;
    return `port-ocean/${type}/${version}/${identifier}${feature ? `/${feature}` : ''}`;
  }

  async accessToken(): Promise<OceanResponse<{ accessToken: string; expiresIn: number; tokenType: string }>> {
    const response = await fetch(`${this.baseUrl}/v1/auth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: this.credentials.clientId, clientSecret: this.credentials.clientSecret }),
    });
    const body = (await response.json()) as { accessToken: string; expiresIn: number; tokenType: string };
    if (response.ok) this.token = body.accessToken;
    return { status: response.status, body };
  }

  /** A request as the client's httpx sends it: list parameters repeated, JSON bodies, its two headers. */
  async send<T = Record<string, unknown>>(
    method: string,
    pathOrUrl: string,
    options: { json?: unknown; params?: Record<string, string | string[]>; feature?: UserAgentType } = {},
  ): Promise<OceanResponse<T>> {
    if (this.token === undefined) await this.accessToken();
    const url = new URL(pathOrUrl.startsWith('http') ? pathOrUrl : `${this.baseUrl}/v1${pathOrUrl}`);
    for (const [name, value] of Object.entries(options.params ?? {})) {
      for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(name, one);
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      'user-agent': this.userAgent(options.feature),
    };
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, {
      method,
      headers,
      ...(options.json !== undefined && { body: JSON.stringify(options.json) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  private writeParams(options: RequestOptions): Record<string, string> {
    return {
      upsert: 'true',
      merge: flag(options.merge),
      create_missing_related_entities: flag(options.create_missing_related_entities),
      validation_only: flag(options.validation_only),
    };
  }

  /** EntityClientMixin.upsert_entity */
  upsertEntity(entity: OceanEntity, options = DEFAULT_REQUEST_OPTIONS, feature: UserAgentType = 'exporter') {
    return this.send('POST', `/blueprints/${entity.blueprint}/entities`, {
      json: entity,
      params: this.writeParams(options),
      feature,
    });
  }

  /** EntityClientMixin.upsert_entities_bulk */
  upsertEntitiesBulk(
    blueprint: string,
    entities: OceanEntity[],
    options = DEFAULT_REQUEST_OPTIONS,
    feature: UserAgentType = 'exporter',
  ) {
    return this.send<{
      ok: boolean;
      entities: { identifier: string; index: number; created: boolean }[];
      errors: { identifier: string | null; index: number; statusCode: number; error: string; message: string }[];
    }>('POST', `/blueprints/${blueprint}/entities/bulk`, {
      json: { entities },
      params: this.writeParams(options),
      feature,
    });
  }

  /** EntityClientMixin.delete_entity (the identifier quote_plus-encoded) */
  deleteEntity(entity: OceanEntity, options = DEFAULT_REQUEST_OPTIONS, feature: UserAgentType = 'exporter') {
    const identifier = encodeURIComponent(entity.identifier).replace(/%20/g, '+');
    return this.send('DELETE', `/blueprints/${entity.blueprint}/entities/${identifier}`, {
      params: { delete_dependents: flag(options.delete_dependent_entities) },
      feature,
    });
  }

  /** The $datasource rules every search of its own entities adds (EntityClientMixin.search_entities). */
  ownEntitiesQuery(feature: UserAgentType) {
    return {
      combinator: 'and',
      rules: [
        { property: '$datasource', operator: 'contains', value: `port-ocean/${this.identity.type}/` },
        {
          property: '$datasource',
          operator: 'contains',
          value: `/${this.identity.identifier}/${feature}`,
        },
      ],
    };
  }

  /** EntityClientMixin.search_entities over /entities/search: its rules, with the default query nested in. */
  searchEntities(feature: UserAgentType, query?: { combinator: string; rules: unknown[] }) {
    const ownEntities = this.ownEntitiesQuery(feature);
    const body = query === undefined ? ownEntities : { ...query, rules: [...query.rules, ownEntities] };
    return this.send<{ ok: boolean; entities: OceanEntity[] }>('POST', '/entities/search', {
      json: body,
      params: { exclude_calculated_properties: 'true', include: ['blueprint', 'identifier'] },
      feature,
    });
  }

  /** The resync's read of its own entities: POST /blueprints/entities/datasource-entities, page after page. */
  datasourceEntities(feature: UserAgentType, extra: Record<string, unknown> = {}) {
    return this.send<{ ok: boolean; entities: { identifier: string; blueprint: string }[]; next?: string | null }>(
      'POST',
      '/blueprints/entities/datasource-entities',
      {
        json: {
          datasource_prefix: `port-ocean/${this.identity.type}/`,
          datasource_suffix: `/${this.identity.identifier}/${feature}`,
          ...extra,
        },
        feature,
      },
    );
  }

  /** BlueprintClientMixin.delete_blueprint(delete_entities=True): note Ocean sends it without a feature. */
  deleteAllEntities(blueprint: string, deleteBlueprint = true) {
    return this.send<{ ok: boolean; migrationId?: string }>(
      'DELETE',
      `/blueprints/${blueprint}/all-entities?delete_blueprint=${flag(deleteBlueprint)}`,
    );
  }

  /** IntegrationClientMixin._get_current_integration */
  getIntegration() {
    return this.send<{ ok: boolean; integration?: Record<string, unknown> }>(
      'GET',
      `/integration/${this.identity.identifier}`,
    );
  }

  /** IntegrationClientMixin.create_integration, without provisioning by the vendor */
  createIntegration(changelogDestination: Record<string, unknown>, config: Record<string, unknown> = {}) {
    return this.send<{ ok: boolean; integration: Record<string, unknown> }>('POST', '/integration', {
      json: {
        installationId: this.identity.identifier,
        installationAppType: this.identity.type,
        version: this.identity.version,
        changelogDestination,
        config,
      },
    });
  }

  /** IntegrationClientMixin.patch_integration: only the keys given, and always the version */
  patchIntegration(patch: { installationAppType?: string; changelogDestination?: unknown; config?: unknown }) {
    return this.send<{ ok: boolean; integration: Record<string, unknown> }>(
      'PATCH',
      `/integration/${this.identity.identifier}`,
      { json: { ...patch, version: this.identity.version } },
    );
  }

  /** PortClient.update_integration_state, as ResyncStateUpdater builds the state before and after a resync */
  updateIntegrationState(state: Record<string, unknown>) {
    return this.send<{ ok: boolean; integration: Record<string, unknown> }>(
      'PATCH',
      `/integration/${this.identity.identifier}/resync-state`,
      { json: state },
    );
  }

  /** IntegrationClientMixin.get_provision_enabled_integrations */
  provisionEnabled() {
    return this.send<{ ok: boolean; integrations: string[] }>('GET', '/integration/provision-enabled');
  }

  /** OrganizationClientMixin.get_organization_feature_flags and PortClient.get_org_id */
  organization() {
    return this.send<{ ok: boolean; organization: { id: string; featureFlags: string[] } }>('GET', '/organization');
  }

  /** IntegrationClientMixin.ingest_integration_logs: to the ingest URL the integration names */
  ingestLogs(ingestUrl: string, logs: Record<string, unknown>[]) {
    return this.send('POST', ingestUrl, { json: { logs } });
  }

  /** IntegrationClientMixin.ingest_integration_kind_examples */
  ingestKindExamples(kind: string, examples: unknown[]) {
    const encode = (part: string) => encodeURIComponent(part).replace(/%20/g, '+');
    return this.send('POST', `/integration/${encode(this.identity.identifier)}/kinds/${encode(kind)}/examples`, {
      json: { examples },
    });
  }
}

/** A log record as Ocean's HTTPMemoryHandler serializes it (port_ocean/log/handlers.py). */
export function oceanLogRecord(message: string, level = 'INFO'): Record<string, unknown> {
  return {
    message,
    level,
    timestamp: new Date().toISOString().replace('Z', '000Z'),
    extra: { resync_id: 'r1' },
  };
}
