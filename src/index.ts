import { worker } from './app.ts';

export { IamAccount } from './accounts/account-object.ts';
export { SessionStore } from './sessions/session-store.ts';
export default worker;
