/**
 * Walks the `AWS` values of every Principal and NotPrincipal of a parsed policy document (IAM JSON
 * policy elements: Principal). `visit` may return a string to replace the value in place.
 */
export function visitAwsPrincipals(doc: unknown, visit: (value: string) => string | void): void {
  if (typeof doc !== 'object' || doc === null || !('Statement' in doc)) return;
  const statements: unknown[] = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  for (const s of statements) {
    if (typeof s !== 'object' || s === null) continue;
    for (const field of ['Principal', 'NotPrincipal']) {
      const principal: unknown = (s as Record<string, unknown>)[field];
      if (typeof principal !== 'object' || principal === null || !('AWS' in principal)) continue;
      const holder = principal as { AWS: unknown };
      const one = (v: unknown) => (typeof v === 'string' ? (visit(v) ?? v) : v);
      holder.AWS = Array.isArray(holder.AWS) ? holder.AWS.map(one) : one(holder.AWS);
    }
  }
}
