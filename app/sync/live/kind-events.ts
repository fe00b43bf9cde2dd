/**
 * Webhook events of the kinds in ../kinds: each kind says what a payload means for its objects (created, changed,
 * gone), reading GitHub when the payload carries less than the object; the objects are then mapped and written
 * like any live object (object-sync.ts).
 */
import type { ActiveConfig } from '../config/active-config.ts';
import { kindDefinitions, kindReads } from '../kinds/index.ts';
import type { Kind } from '../mapping/index.ts';
import { SyncContext } from '../sync-context.ts';
import type { ObjectSync, LiveObject } from './object-sync.ts';
import { typeLeavesOut } from './repository-type.ts';

export interface EventPayload extends Record<string, unknown> {
  action?: string;
  installation?: { id: number; account?: { login: string } | null };
  repository?: { id: number; name: string; owner: { login: string }; default_branch?: string };
  organization?: { login: string };
}

/** Every webhook event name some kind listens to (`issues`, `create`, ...), for the App to subscribe. */
export function kindEventNames(): string[] {
  const names = new Set<string>();
  for (const definition of kindDefinitions()) {
    for (const key of Object.keys(definition.events)) names.add(key.split('.')[0]!);
  }
  return [...names];
}

export class KindEvents {
  private readonly ctx: SyncContext;
  private readonly objects: ObjectSync;

  constructor(ctx: SyncContext, objects: ObjectSync) {
    this.ctx = ctx;
    this.objects = objects;
  }

  /** The changes of one delivery of `event`, for every kind that listens to it. */
  async onEvent(event: string, installationId: number, payload: EventPayload): Promise<void> {
    const owner =
      payload.repository?.owner.login ?? payload.organization?.login ?? payload.installation?.account?.login;
    if (!owner) return;
    const handlers = kindDefinitions().flatMap((definition) => {
      const handler = definition.events[`${event}.${payload.action}`] ?? definition.events[event];
      return handler ? [{ definition, handler }] : [];
    });
    if (handlers.length === 0) return;
    // A kind no resource in force maps costs its events nothing: most configurations map few of the kinds.
    const mapped = (config: ActiveConfig) =>
      handlers.filter(({ definition }) => config.mappings[definition.kind].length > 0);
    const known = payload.repository
      ? this.ctx.configs.cachedRepository(owner, payload.repository.name)
      : this.ctx.configs.cachedOrganization(owner);
    if (known && mapped(known).length === 0) return;
    let wanted = mapped(await this.config(installationId, owner, payload));
    // Objects of a repository repositoryType leaves out are not synced; the account's (teams, users) still are.
    if (wanted.length > 0 && (await typeLeavesOut(this.ctx, installationId, owner, payload.repository))) {
      wanted = wanted.filter(({ definition }) => definition.scope !== 'repository');
    }
    if (wanted.length === 0) return;
    const reads = await kindReads(this.ctx.reads, installationId, owner, this.ctx.settings.liveRateLimits);
    const byRepository = new Map<number, { repository: LiveObject['repository']; objects: LiveObject[] }>();
    for (const { definition, handler } of wanted) {
      const changes = await handler(payload, {
        ...reads,
        selectors: () => this.selectors(installationId, owner, payload, definition.kind),
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
      const carried = payload.repository && payload.repository.id === repository?.id ? payload.repository : repository;
      await this.objects.sync(installationId, owner, carried, objects);
    }
  }

  /** The selectors of `kind`'s resources in the configuration in force where the event happened. */
  private async selectors(
    installationId: number,
    owner: string,
    payload: EventPayload,
    kind: Kind,
  ): Promise<Array<Record<string, unknown>>> {
    const config = await this.config(installationId, owner, payload);
    return config.mappings[kind].map((mapping) => mapping.resource.selector as Record<string, unknown>);
  }

  /** The configuration in force where the event happened: its repository's, or its organization's. */
  private async config(installationId: number, owner: string, payload: EventPayload): Promise<ActiveConfig> {
    const { ctx } = this;
    const files = SyncContext.configFiles(await ctx.reader(installationId, ctx.settings.liveRateLimits));
    return payload.repository
      ? ctx.configs.repository(owner, payload.repository.name, files)
      : ctx.configs.organization(owner, files);
  }
}
