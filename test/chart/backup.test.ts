// The scheduled backup (templates/cronjob-backup.yaml): off by default; on, a CronJob that runs
// pg_dump --format=custom with the password from the Secret (never in the manifest), a claim kept
// by helm uninstall (or the user's own), the external DATABASE_URL when there is no in-chart
// database, the security policy, and the schema refusing a bad schedule or retention.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BASE_SECRETS, componentName, renderDefault, renderError } from './helm.ts';
import { securityViolations } from './policy.ts';

const ON = { backup: { enabled: true } };
const cronJob = (r: ReturnType<typeof renderDefault>) => r.get('CronJob', componentName('backup'));
const container = (r: ReturnType<typeof renderDefault>) => cronJob(r).spec.jobTemplate.spec.template.spec.containers[0];

describe('scheduled backup', () => {
  it('renders nothing by default', () => {
    const r = renderDefault();
    assert.equal(r.all('CronJob').length, 0);
    assert.ok(!r.has('PersistentVolumeClaim', componentName('backups')));
  });

  it('enabled: pg_dump --format=custom on the schedule, the password from the Secret, one run at a time', () => {
    const r = renderDefault({ values: [{ backup: { enabled: true, schedule: '15 2 * * *', timeZone: 'Europe/Berlin', retention: 5 } }] });
    const job = cronJob(r);
    assert.equal(job.spec.schedule, '15 2 * * *');
    assert.equal(job.spec.timeZone, 'Europe/Berlin');
    assert.equal(job.spec.concurrencyPolicy, 'Forbid');
    const c = container(r);
    const script = c.command.join(' ');
    assert.match(script, /pg_dump --format=custom --file="\$name\.partial"/);
    assert.deepEqual(c.env.find((e: { name: string }) => e.name === 'PGPASSWORD').valueFrom.secretKeyRef, {
      name: componentName('secrets'),
      key: 'POSTGRES_PASSWORD',
    });
    assert.equal(c.env.find((e: { name: string }) => e.name === 'RETENTION').value, '5');
    assert.equal(c.env.find((e: { name: string }) => e.name === 'PGHOST').value, componentName('postgresql'));
    assert.ok(!JSON.stringify(job).includes(BASE_SECRETS.secrets.POSTGRES_PASSWORD), 'the password is not in the CronJob');
    assert.equal(job.spec.jobTemplate.spec.template.spec.restartPolicy, 'Never');
  });

  it('a claim of its own that helm uninstall keeps, or the user’s existing claim', () => {
    const own = renderDefault({ values: [ON] });
    const claim = own.get('PersistentVolumeClaim', componentName('backups'));
    assert.equal(claim.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
    const volumes = cronJob(own).spec.jobTemplate.spec.template.spec.volumes;
    assert.equal(volumes.find((v: { name: string }) => v.name === 'backups').persistentVolumeClaim.claimName, componentName('backups'));
    const theirs = renderDefault({ values: [{ backup: { enabled: true, persistence: { existingClaim: 'nas-backups' } } }] });
    assert.ok(!theirs.has('PersistentVolumeClaim', componentName('backups')));
    const v = cronJob(theirs).spec.jobTemplate.spec.template.spec.volumes.find((x: { name: string }) => x.name === 'backups');
    assert.equal(v.persistentVolumeClaim.claimName, 'nas-backups');
  });

  it('an external database: DATABASE_URL from the Secret, given to pg_dump as --dbname', () => {
    const r = renderDefault({
      values: [ON, { postgresql: { enabled: false }, secrets: { DATABASE_URL: 'postgresql://u:p@db.example/todo' } }],
    });
    const c = container(r);
    assert.deepEqual(c.env.find((e: { name: string }) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef, {
      name: componentName('secrets'),
      key: 'DATABASE_URL',
    });
    assert.ok(!c.env.some((e: { name: string }) => e.name === 'PGPASSWORD'));
    assert.match(c.command.join(' '), /pg_dump --format=custom --dbname="\$DATABASE_URL"/);
    assert.ok(!JSON.stringify(cronJob(r)).includes('u:p@'), 'the URL is not in the CronJob');
  });

  it('meets the security policy', () => {
    assert.deepEqual(securityViolations(renderDefault({ values: [ON] })), []);
  });

  it('the schema refuses a schedule that is not cron, and a retention below 1', () => {
    assert.match(renderError({ values: [BASE_SECRETS, { backup: { enabled: true, schedule: 'every night' } }] }), /backup\.schedule/);
    assert.match(
      renderError({ values: [BASE_SECRETS, { backup: { enabled: true, retention: 0 } }] }),
      /backup\.retention: Must be greater than or equal to 1/,
    );
  });
});
