/** Runs async steps one after another: one seq counter, one cursor file, one index must not interleave. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(step: () => Promise<T>): Promise<T> {
    const result = this.tail.then(step, step);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every step started so far has settled. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
