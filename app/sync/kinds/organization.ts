/**
 * The account itself, one object: `GET /orgs/{org}` for an organization; for a user account, which the vendor
 * syncs as its authenticated user's personal account, `GET /users/{username}`. Live: `organization` renamed reads it
 * again, deleted removes it.
 */
import type { KindDefinition, KindObject, KindReads, LiveHandler } from './kind-definition.ts';
import { isNotFound } from './rest-lists.ts';

async function readAccount(reads: KindReads): Promise<KindObject | null> {
  let account: { id: number };
  try {
    account = await reads.rest<{ id: number }>('GET /orgs/{org}', { org: reads.owner });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    try {
      account = await reads.rest<{ id: number }>('GET /users/{username}', { username: reads.owner });
    } catch (failure) {
      if (isNotFound(failure)) return null;
      throw failure;
    }
  }
  return { object: account, item: String(account.id) };
}

const gone: LiveHandler = async (payload) => {
  const id = (payload as { organization?: { id?: number } }).organization?.id;
  return typeof id === 'number' ? [{ object: null, item: String(id) }] : [];
};

const readAgain: LiveHandler = async (payload, reads) => {
  const account = await readAccount(reads);
  return account ? [account] : gone(payload, reads);
};

export const organizationKind: KindDefinition<'organization'> = {
  kind: 'organization',
  scope: 'organization',
  async resyncPage(reads) {
    const account = await readAccount(reads);
    return { objects: account ? [account] : [], next: null };
  },
  events: {
    'organization.renamed': readAgain,
    'organization.deleted': gone,
  },
  permissions: { members: 'read' },
};
