/** The status page (`GET /`), `/readyz` and `/metrics` of the `npm start` process. */
export { statusRoutes } from './status-routes.ts';
export { GithubProbe, type GithubProbeSettings } from './github-probe.ts';
export { type StatusSources, type StatusReport, type ReadinessReport } from './status-report.ts';
export { renderStatusPage } from './status-page.ts';
