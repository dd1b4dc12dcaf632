/**
 * Which IAM actions write. IAM names its read-only actions Get*, List* and Simulate* (every action in
 * the API reference that changes state has another verb), so the rule holds for new actions too.
 * Writes run in the account's Durable Object (src/accounts), one at a time; reads run at the edge.
 */
export function isIamWrite(action: string): boolean {
  return !/^(Get|List|Simulate)/.test(action);
}
