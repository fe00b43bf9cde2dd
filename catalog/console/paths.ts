/** Where the console is mounted, and the address of each of its pages (path segments encoded). */
export const CONSOLE_PATH = '/console';

const segment = encodeURIComponent;

export const consolePaths = {
  home: CONSOLE_PATH,
  signIn: `${CONSOLE_PATH}/sign-in`,
  signOut: `${CONSOLE_PATH}/sign-out`,
  stylesheet: `${CONSOLE_PATH}/assets/console.css`,
  script: `${CONSOLE_PATH}/assets/console.js`,
  blueprints: `${CONSOLE_PATH}/blueprints`,
  entities: (blueprint: string): string => `${CONSOLE_PATH}/blueprints/${segment(blueprint)}/entities`,
  entity: (blueprint: string, identifier: string): string =>
    `${CONSOLE_PATH}/blueprints/${segment(blueprint)}/entities/${segment(identifier)}`,
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
