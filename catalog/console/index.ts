export { consoleRoutes, type ConsoleOptions } from './plugin.ts';
export { CONSOLE_PATH, consolePaths } from './paths.ts';
