// Structured logs (pino) on stderr, so stdout stays for a command's own output. Log fields are chosen
// at each call site; never pass a request body, a tx payload, a key or a token to a logger.
import pino, { type Logger } from 'pino';

export function createLogger(level: string = process.env.CARECHAIN_LOG_LEVEL ?? 'warn'): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}
