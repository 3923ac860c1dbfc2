// The app's components and the label selectors that find their objects. The chart sets these
// labels (helm/todo-chatbot/templates/_helpers.tpl, todo-chatbot.selectorLabels); every selector a
// runbook sends is built here, so the two cannot drift apart.

/** The stateless parts of the app; PostgreSQL keeps the data and is never deleted by a drill. */
export const APP_COMPONENTS = ['frontend', 'backend', 'mcp'] as const;
export type AppComponent = (typeof APP_COMPONENTS)[number];

/**
 * Components whose pods run to completion — the `helm test` pod and the scheduled backup's Jobs
 * (templates/cronjob-backup.yaml) — and are never part of the release's Ready pods.
 */
export const RUN_TO_COMPLETION = new Set(['test', 'backup']);

export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';

/** Every object of the release. */
export function releaseSelector(release: string): string {
  return `${INSTANCE_LABEL}=${release}`;
}

/** Every pod of the three app components, and none of PostgreSQL's (set-based selector). */
export function appPodsSelector(release: string): string {
  return `${releaseSelector(release)},${COMPONENT_LABEL} in (${APP_COMPONENTS.join(',')})`;
}

/** The objects of one component of the release. */
export function componentSelector(release: string, component: string): string {
  return `${releaseSelector(release)},${COMPONENT_LABEL}=${component}`;
}
