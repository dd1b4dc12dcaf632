/**
 * GitHub Actions token claims ("About security hardening with OpenID Connect", GitHub Docs) that
 * both the test issuer's discovery document lists and STS exposes as condition keys under the
 * provider's name (`token.actions.githubusercontent.com:repository`, ...).
 */
export const GITHUB_ACTIONS_CLAIMS = [
  'actor',
  'actor_id',
  'base_ref',
  'enterprise',
  'enterprise_id',
  'environment',
  'event_name',
  'head_ref',
  'job_workflow_ref',
  'job_workflow_sha',
  'ref',
  'ref_protected',
  'ref_type',
  'repository',
  'repository_id',
  'repository_owner',
  'repository_owner_id',
  'repository_visibility',
  'run_attempt',
  'run_id',
  'run_number',
  'runner_environment',
  'sha',
  'workflow',
  'workflow_ref',
  'workflow_sha',
] as const;
