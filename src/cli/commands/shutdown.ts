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
