// Runs until SIGINT (Ctrl-C) or SIGTERM, then awaits the given clean-up once.
export function untilSignal(cleanUp: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const shutdown = (): void => {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      cleanUp().then(resolve, reject);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}

/**
 * What a long-running command has started, stopped newest first: on Ctrl-C, and also when starting fails
 * half-way (a port in use, say). Without the second, the parts already running (consensus timers, the
 * P2P server) kept the process alive after it had printed its error, so it neither served nor exited.
 */
export class StartedParts {
  private readonly stops: (() => unknown)[] = [];

  /** Registers how to stop a part, right before starting it. */
  add(stop: () => unknown): void {
    this.stops.push(stop);
  }

  /** Stops every part, newest first, even when one fails; rethrows the first failure. */
  async stopAll(): Promise<void> {
    let failure: Error | undefined;
    for (let stop = this.stops.pop(); stop !== undefined; stop = this.stops.pop()) {
      try {
        await stop();
      } catch (err) {
        failure ??= err instanceof Error ? err : new Error(String(err));
      }
    }
    if (failure !== undefined) throw failure;
  }

  /** Runs `start`; if it throws, stops what it had started and rethrows what made it fail. */
  async starting<T>(start: () => Promise<T>): Promise<T> {
    try {
      return await start();
    } catch (err) {
      await this.stopAll().catch(() => undefined);
      throw err;
    }
  }
}
