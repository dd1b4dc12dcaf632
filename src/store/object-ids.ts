import { setBounded } from './bounded-map.ts';

/**
 * Durable Object ids by name, remembered per isolate. An id is a pure function of its namespace and
 * name (`idFromName` hashes the name), carries no I/O and may be used by any request, so deriving
 * it once per name saves that hash on every call to a session shard or an account object. Bounded:
 * past MAX_IDS names the oldest is forgotten (one id is a few dozen bytes).
 */
const MAX_IDS = 4096;
// Any namespace: only its idFromName is used.
type Namespace = Pick<DurableObjectNamespace, 'idFromName'>;
const ids = new WeakMap<Namespace, Map<string, DurableObjectId>>();

export function objectId(namespace: Namespace, name: string): DurableObjectId {
  let byName = ids.get(namespace);
  if (byName === undefined) {
    byName = new Map();
    ids.set(namespace, byName);
  }
  let id = byName.get(name);
  if (id === undefined) {
    id = namespace.idFromName(name);
    setBounded(byName, name, id, MAX_IDS);
  }
  return id;
}
