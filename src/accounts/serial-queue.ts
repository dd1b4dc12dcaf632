/**
 * Runs tasks one at a time, in arrival order. A Durable Object's input gate only holds events back
 * while the object awaits its own storage: across an await on KV or any other outbound I/O, a second
 * request may start (Durable Objects "Rules of Durable Objects", input and output gates). A
 * read-modify-write of KV inside the object therefore needs this explicit queue.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(task);
    // The next task waits for this one to settle, whether it succeeded or not.
    this.tail = result.then(
      () => this.waiting--,
      () => this.waiting--,
    );
    return result;
  }

  /** Tasks queued or running (for tests and diagnostics). */
  get length(): number {
    return this.waiting;
  }
}
