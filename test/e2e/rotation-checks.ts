// The checks a successful rotate-secrets run of all three keys must pass, on the simulator
// (rotate-secrets.test.ts) and on the real node (test/cluster/03-rotate-secrets.test.ts).
export const ROTATION_PROOF_CHECKS = [
  'ROTATE-DB-BEFORE',
  'ROTATE-DB-ALTER',
  'ROTATE-UPGRADE',
  'ROTATE-ROLLED-FRONTEND',
  'ROTATE-ROLLED-BACKEND',
  'ROTATE-ROLLED-MCP',
  'ROTATE-ROLLED-POSTGRESQL',
  'ROTATE-DATABASE-URL',
  'ROTATE-POD-VALUES',
  'ROTATE-DB-PASSWORD',
  'ROTATE-APP-HEALTH',
  'ROTATE-APP-READY',
  'ROTATE-TODO-AFTER',
  'ROTATE-HISTORY',
  'ROTATE-OLD-GONE',
] as const;
