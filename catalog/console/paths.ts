/** Where the console is mounted, and the address of each of its pages (path segments encoded). */
export const CONSOLE_PATH = '/console';

const segment = encodeURIComponent;

export const consolePaths = {
  home: CONSOLE_PATH,
  signIn: `${CONSOLE_PATH}/sign-in`,
  signOut: `${CONSOLE_PATH}/sign-out`,
  stylesheet: `${CONSOLE_PATH}/assets/console.css`,
  script: `${CONSOLE_PATH}/assets/console.js`,
  /** A script only some pages use, by its file name in assets/. */
  pageScript: (name: string): string => `${CONSOLE_PATH}/assets/${segment(name)}`,
  blueprints: `${CONSOLE_PATH}/blueprints`,
  entities: (blueprint: string): string => `${CONSOLE_PATH}/blueprints/${segment(blueprint)}/entities`,
  entity: (blueprint: string, identifier: string): string =>
    `${CONSOLE_PATH}/blueprints/${segment(blueprint)}/entities/${segment(identifier)}`,
  /** Self-service: the actions of every blueprint. */
  actions: `${CONSOLE_PATH}/actions`,
  /** An action's form; a DAY-2 or DELETE action names the entity it runs on. */
  actionForm: (action: string, entity?: string): string =>
    `${CONSOLE_PATH}/actions/${segment(action)}/run${entity === undefined ? '' : `?entity=${segment(entity)}`}`,
  /** Which inputs an action's form hides for the values it holds (JSON), from their `visible` queries. */
  formState: (action: string): string => `${CONSOLE_PATH}/actions/${segment(action)}/form-state`,
  /** The entities an action's entity input offers matching a text (JSON), within its dataset. */
  inputEntityOptions: (action: string, input: string): string =>
    `${CONSOLE_PATH}/actions/${segment(action)}/inputs/${segment(input)}/entity-options`,
  /** Entities of a blueprint matching a text, for an entity picker (JSON). */
  entityOptions: (blueprint: string): string => `${CONSOLE_PATH}/blueprints/${segment(blueprint)}/entity-options`,
  runs: `${CONSOLE_PATH}/runs`,
  run: (id: string): string => `${CONSOLE_PATH}/runs/${segment(id)}`,
  /** The run's changes as server-sent events, until it ends. */
  runEvents: (id: string): string => `${CONSOLE_PATH}/runs/${segment(id)}/events`,
};

/**
 * Where to go after signing in: only a path of the console itself, so a crafted link cannot send a person who
 * signs in to another site (`//evil.example`, `/console/../v1`, `https://...` are all refused).
 */
export function consoleReturnPath(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000) return consolePaths.blueprints;
  const path = next.split('?')[0]!;
  const inside = path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`);
  const plain = !path.includes('..') && !path.includes('\\') && !path.includes('//');
  return inside && plain && path !== consolePaths.signIn ? next : consolePaths.blueprints;
}
