// Types of the Worker under test for `cloudflare:workers` env/exports in tests.
type RolecallEnv = import('../src/env.ts').Env;
declare namespace Cloudflare {
  interface Env extends RolecallEnv {}
  interface GlobalProps {
    mainModule: typeof import('../src/index.ts');
    durableNamespaces: 'SessionStore' | 'IamAccount';
  }
}
