import { readServerConfig } from './config.ts';
import { startServer } from './server.ts';

/** `npm start`: the product on the embedded catalog, until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const config = readServerConfig(process.env);
  const server = await startServer({ ...config, env: process.env });
  const { credentials } = server.catalog;
  console.log(`wharf listening on ${server.url}`);
  console.log(`embedded catalog: ${server.url}/v1 (data in ${config.dataDir})`);
  if (credentials.source === 'environment') {
    console.log('credentials: PORT_CLIENT_ID / PORT_CLIENT_SECRET from the environment');
  } else {
    // Printed so a new user can try the API at once; the pair stays in the data directory for later starts.
    console.log(`credentials (${credentials.source}, kept in ${config.dataDir}/credentials.json):`);
    console.log(`  PORT_CLIENT_ID=${credentials.clientId}`);
    console.log(`  PORT_CLIENT_SECRET=${credentials.clientSecret}`);
  }

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: closing`);
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
