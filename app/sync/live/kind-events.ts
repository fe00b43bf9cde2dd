/**
 * Webhook events of the kinds in ../kinds: each kind says what a payload means for its objects (created, changed,
 * gone), reading GitHub when the payload carries less than the object; the objects are then mapped and written
 * like any live object (object-sync.ts).
 */
import type { Context } from 'probot';
import type { ActiveConfig } from '../config/active-config.ts';
import { KIND_EVENT_NAMES, type KindEventName, kindDefinitions, kindReads } from '../kinds/index.ts';
import type { Kind } from '../mapping/index.ts';
import { SyncContext } from '../sync-context.ts';
import type { ObjectSync, LiveObject } from './object-sync.ts';
import type { RepositoryObject } from './repository-sync.ts';
import { typeLeavesOut } from './repository-type.ts';

export type { KindEventName };

/** The payload of an event some kind listens to, as Probot types it. */
export type KindEventPayload = Context<KindEventName>['payload'];

/** Every webhook event name some kind listens to (`issues`, `create`, ...), for the App to subscribe. */
export function kindEventNames(): KindEventName[] {
  const keys = kindDefinitions().flatMap((definition) => Object.keys(definition.events));
  return KIND_EVENT_NAMES.filter((name) => keys.some((key) => key === name || key.startsWith(`${name}.`)));
}

/** Where an event happened, whatever the event: what KindEvents reads of its payload beside the kinds. */
export interface EventScope {
  installationId: number | undefined;
  action: string | undefined;
  /** The repository's owner, else the organization's login; undefined when the payload names neither. */
  owner: string | undefined;
  /** The repository the event happened in; undefined for an organization's event (team, membership, ...). */
  repository: RepositoryObject | undefined;
}

export function eventScope(payload: KindEventPayload): EventScope {
  const repository = ('repository' in payload && payload.repository) || undefined;
  const owner = repository
    ? repository.owner?.login
    : 'organization' in payload
      ? payload.organization?.login
      : undefined;
  return {
    installationId: 'installation' in payload ? payload.installation?.id : undefined,
    action: 'action' in payload ? payload.action : undefined,
    owner,
    repository: repository?.owner ? { ...repository, owner: repository.owner } : undefined,
  };
}

export class KindEvents {
  private readonly ctx: SyncContext;
  private readonly objects: ObjectSync;

  constructor(ctx: SyncContext, objects: ObjectSync) {
    this.ctx = ctx;
    this.objects = objects;
  }

  /** The changes of one delivery of `event`, for every kind that listens to it. */
  async onEvent(event: KindEventName, installationId: number, payload: KindEventPayload): Promise<void> {
    const { action, owner, repository: where } = eventScope(payload);
    if (!owner) return;
    const handlers = kindDefinitions().flatMap((definition) => {
      const handler =
        (action === undefined ? undefined : definition.events[`${event}.${action}` as const]) ??
        definition.events[event];
      return handler ? [{ definition, handler }] : [];
    });
    if (handlers.length === 0) return;
    // A kind no resource in force maps costs its events nothing: most configurations map few of the kinds.
    const mapped = (config: ActiveConfig) =>
      handlers.filter(({ definition }) => config.mappings[definition.kind].length > 0);
    const known = where
      ? this.ctx.configs.cachedRepository(owner, where.name)
      : this.ctx.configs.cachedOrganization(owner);
    if (known && mapped(known).length === 0) return;
    let wanted = mapped(await this.config(installationId, owner, where));
    // Objects of a repository repositoryType leaves out are not synced; the account's (teams, users) still are.
    if (wanted.length > 0 && (await typeLeavesOut(this.ctx, installationId, owner, where))) {
      wanted = wanted.filter(({ definition }) => definition.scope !== 'repository');
    }
    if (wanted.length === 0) return;
    const reads = await kindReads(this.ctx.reads, installationId, owner, this.ctx.settings.liveRateLimits);
    const byRepository = new Map<number, { repository: LiveObject['repository']; objects: LiveObject[] }>();
    for (const { definition, handler } of wanted) {
      const changes = await handler(payload, {
        ...reads,
        selectors: () => this.selectors(installationId, owner, where, definition.kind),
        warn: (message) => this.ctx.warn(`catalog sync: ${message}`),
      });
      for (const change of changes) {
        const key = change.repository?.id ?? 0;
        let group = byRepository.get(key);
        if (!group) byRepository.set(key, (group = { repository: change.repository, objects: [] }));
        group.objects.push({ ...change, kind: definition.kind as LiveObject['kind'] });
      }
    }
    for (const { repository, objects } of byRepository.values()) {
      // The payload's repository has the fields a repoSearch query looks at; a change's names it only.
      const carried = where && where.id === repository?.id ? where : repository;
      await this.objects.sync(installationId, owner, carried, objects);
    }
  }

  /** The selectors of `kind`'s resources in the configuration in force where the event happened. */
  private async selectors(
    installationId: number,
    owner: string,
    where: RepositoryObject | undefined,
    kind: Kind,
  ): Promise<Array<Record<string, unknown>>> {
    const config = await this.config(installationId, owner, where);
    return config.mappings[kind].map((mapping) => mapping.resource.selector as Record<string, unknown>);
  }

  /** The configuration in force where the event happened: its repository's, or its organization's. */
  private async config(
    installationId: number,
    owner: string,
    where: RepositoryObject | undefined,
  ): Promise<ActiveConfig> {
    const { ctx } = this;
    const files = SyncContext.configFiles(await ctx.reader(installationId, ctx.settings.liveRateLimits));
    return where ? ctx.configs.repository(owner, where.name, files) : ctx.configs.organization(owner, files);
  }
}
