import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LEASE_MS } from '../../app/state/index.ts';
import { describeDatabaseUrl, readServerConfig } from '../../server/config.ts';
import { startServer } from '../../server/server.ts';

const PASSWORD = 'hunter2-do-not-show';
const PORT_API = 'https://api.getport.io';

const configOf = (env: Record<string, string>) => readServerConfig({ WHARF_DATA_DIR: tmpdir(), ...env });

function refusal(env: Record<string, string>): string {
  try {
    configOf(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('DATABASE_URL', () => {
  test('unset: the App keeps its state in WHARF_DATA_DIR (databaseUrl undefined)', () => {
    expect(configOf({}).databaseUrl).toBeUndefined();
    expect(configOf({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  test('a postgres:// or postgresql:// URL, with PORT_BASE_URL, is the App state database', () => {
    for (const url of [
      `postgres://wharf:${PASSWORD}@db:5432/wharf`,
      'postgresql://db.internal/wharf?sslmode=require',
    ]) {
      expect(configOf({ DATABASE_URL: url, PORT_BASE_URL: PORT_API }).databaseUrl).toBe(url);
    }
  });

  test('another scheme, or no URL, is refused naming DATABASE_URL and what it accepts, never its password', () => {
    for (const url of [`mysql://wharf:${PASSWORD}@db/wharf`, `wharf:${PASSWORD}@db/wharf`, `http://db/${PASSWORD}`]) {
      const message = refusal({ DATABASE_URL: url, PORT_BASE_URL: PORT_API });
      expect(message).toMatch(/^Invalid environment: DATABASE_URL: must be a PostgreSQL URL/);
      expect(message).toContain('postgres://');
      expect(message).toContain('postgresql://');
      expect(message).not.toContain(PASSWORD);
    }
    expect(refusal({ DATABASE_URL: `mysql://wharf:${PASSWORD}@db/wharf` })).toContain('its scheme is mysql');
  });

  test('without PORT_BASE_URL it is refused: the embedded catalog cannot be replicated', () => {
    const message = refusal({ DATABASE_URL: `postgres://wharf:${PASSWORD}@db:5432/wharf` });
    expect(message).toMatch(/DATABASE_URL is set without PORT_BASE_URL/);
    expect(message).toMatch(/embedded catalog .* cannot be replicated/);
    expect(message).toMatch(/Set PORT_BASE_URL to Port's API, or to one wharf process that serves the catalog/);
    expect(message).not.toContain(PASSWORD);
  });

  test('describeDatabaseUrl shows the host and database, not the user or password', () => {
    expect(describeDatabaseUrl(`postgres://wharf:${PASSWORD}@db.internal:5432/wharf_prod?sslmode=require`)).toBe(
      'db.internal:5432/wharf_prod',
    );
  });

  test('npm start with DATABASE_URL and no PORT_BASE_URL exits non-zero, saying why and what to do', async () => {
    const main = fileURLToPath(new URL('../../server/main.ts', import.meta.url));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      WHARF_DATA_DIR: mkdtempSync(join(tmpdir(), 'wharf-config-')),
      DATABASE_URL: `postgres://wharf:${PASSWORD}@127.0.0.1:1/wharf`,
    };
    delete env.PORT_BASE_URL;
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', main], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    expect(code).not.toBe(0);
    expect(output).toMatch(/DATABASE_URL is set without PORT_BASE_URL/);
    expect(output).toMatch(/Set PORT_BASE_URL/);
    expect(output).not.toMatch(/listening on/);
    expect(output).not.toContain(PASSWORD);
  });
});

describe('WHARF_OUTBOX_LEASE_SECONDS', () => {
  test('unset: 30 s, the App state default; set: that many seconds, as outboxLeaseMs', () => {
    expect(configOf({}).outboxLeaseMs).toBe(30_000);
    expect(configOf({}).outboxLeaseMs).toBe(DEFAULT_LEASE_MS);
    expect(configOf({ WHARF_OUTBOX_LEASE_SECONDS: '5' }).outboxLeaseMs).toBe(5_000);
    expect(configOf({ WHARF_OUTBOX_LEASE_SECONDS: '3600' }).outboxLeaseMs).toBe(3_600_000);
  });

  test('below 5, above 3600, or not a whole number of seconds, is refused naming the variable', () => {
    for (const value of ['4', '0', '-30', '3601', '12.5', 'thirty']) {
      expect(refusal({ WHARF_OUTBOX_LEASE_SECONDS: value })).toMatch(
        /^Invalid environment: .*WHARF_OUTBOX_LEASE_SECONDS/,
      );
    }
  });

  test("startServer gives outboxLeaseMs to the App's outbox", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-config-'));
    const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, outboxLeaseMs: 7_000, warn: () => {} });
    try {
      expect(server.wharfApp.state.outbox.leaseMs).toBe(7_000);
    } finally {
      await server.close();
    }
  });
});
