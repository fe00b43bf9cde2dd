export { loadCredentials, secretsEqual, CREDENTIALS_FILE, type Credentials } from './credentials.ts';
export { signJwt, verifyJwt, type AccessTokenClaims } from './jwt.ts';
