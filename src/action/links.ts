/** Pages of Port's web app for what the step touched, where the API's base URL says which app that is. */
export interface PortLinks {
  entity(blueprint: string, identifier: string): string | undefined;
  run(runId: string): string | undefined;
}

/** The vendor's API hosts and their web apps; any other host (the embedded catalog, a proxy) has no pages. */
const APPS: Record<string, string> = {
  'api.getport.io': 'https://app.getport.io',
  'api.port.io': 'https://app.port.io',
  'api.us.getport.io': 'https://app.us.getport.io',
  'api.us.port.io': 'https://app.us.port.io',
};

export function portLinks(baseUrl: string): PortLinks {
  const app = APPS[new URL(baseUrl).host];
  if (!app) return { entity: () => undefined, run: () => undefined };
  return {
    entity: (blueprint, identifier) =>
      `${app}/${encodeURIComponent(blueprint)}Entity?identifier=${encodeURIComponent(identifier)}`,
    run: (runId) => `${app}/organization/run?runId=${encodeURIComponent(runId)}`,
  };
}
