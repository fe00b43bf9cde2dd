export { loadCredentials, secretsEqual, CREDENTIALS_FILE, type Credentials } from './credentials.ts';
