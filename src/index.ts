import { app } from './app.ts';

export { SessionStore } from './sessions/session-store.ts';
export default app;
