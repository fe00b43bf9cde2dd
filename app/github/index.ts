export { GithubAccess, githubMessage, githubStatus, type GithubClient } from './github-access.ts';
