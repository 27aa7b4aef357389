// The HTTP/2 surface between nodes: two routes, JSON bodies, explicit size limits. Everything a peer
// sends is untrusted input, so bodies are counted as they arrive (a Content-Length is only a claim) and
// decoded as strict UTF-8 and JSON, and error answers carry a code, never text from the other side.
import { constants, type ServerHttp2Stream } from 'node:http2';
import type { Readable } from 'node:stream';
import { fromUtf8 } from '../../core/bytes.ts';
import { NodeError } from '../errors.ts';

export const GOSSIP_PATH = '/p2p/v1/gossip';
export const REQUEST_PATH_PREFIX = '/p2p/v1/request/';
/** Request method names travel in the path, so they are kept to a small, path-safe alphabet. */
export const METHOD_PATTERN = /^[a-z][a-zA-Z0-9_.-]{0,63}$/;
const ERROR_CODE_PATTERN = /^[a-z][a-z0-9_.]{0,63}$/;

export const JSON_CONTENT_TYPE = 'application/json';
/**
 * HTTP/2 flow-control window for streams and connections, both ways. The default 64 KiB would need a
 * window update per 64 KiB of a batch or block-sync answer (RFC 9113 §6.9.2), which caps throughput at
 * 64 KiB per round trip between distant institutions.
 */
export const WINDOW_BYTES = 8 * 1024 * 1024;

/** Reads a whole body, refusing (with code `p2p.body_too_large`) as soon as it passes `bytesMax`. */
export function readBody(stream: Readable, bytesMax: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > bytesMax) {
        stream.off('data', onData);
        stream.off('end', onEnd);
        stream.resume(); // keep draining what is already in flight until the caller resets the stream
        reject(new NodeError('p2p.body_too_large', 'body over the size limit', { bytesMax }));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks, bytes));
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', reject);
    // A stream reset before its end emits 'close' without 'end'; the promise must still settle.
    stream.once('close', () => reject(new NodeError('p2p.stream_closed', 'stream closed before its end')));
  });
}

/** Strict decoding: invalid UTF-8 or JSON is refused rather than repaired. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(fromUtf8(body));
  } catch {
    throw new NodeError('p2p.malformed_body', 'body is not UTF-8 JSON');
  }
}

/** JSON text of a message, refusing values JSON cannot carry (undefined, functions, symbols). */
export function toJson(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new NodeError('p2p.not_json', 'a message must be a JSON value');
  return json;
}

/** Answers a stream once, if it is still open (a peer may have reset it meanwhile), with JSON text. */
export function answer(stream: ServerHttp2Stream, status: number, json?: string): void {
  if (stream.destroyed || stream.closed || stream.headersSent) return;
  if (json === undefined) {
    stream.respond({ ':status': status }, { endStream: true });
  } else {
    stream.respond({ ':status': status, 'content-type': JSON_CONTENT_TYPE });
    stream.end(json);
  }
}

/** Answers an error; only the code, which the receiver may log, crosses the wire. */
export function answerError(stream: ServerHttp2Stream, status: number, code: string): void {
  answer(stream, status, JSON.stringify({ error: { code } }));
  // RFC 9113 §8.1: after a complete response the server may end an unread request body with
  // RST_STREAM(NO_ERROR), so an oversized upload stops instead of being drained.
  if (!stream.destroyed) stream.close(constants.NGHTTP2_NO_ERROR);
}

/** The error code in a peer's error answer, if it is one of ours; anything else becomes a generic code. */
export function remoteErrorCode(value: unknown): string {
  const code = (value as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' && ERROR_CODE_PATTERN.test(code) ? code : 'p2p.remote_error';
}
