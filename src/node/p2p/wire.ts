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
 * HTTP/2 flow-control windows (RFC 9113 §6.9.2), the same both ways. Node's 64 KiB default allows one
 * 64 KiB of a batch or block-sync answer per round trip, too slow between distant institutions. Larger
 * is not better: with both windows at 6 MiB or more, two concurrent multi-MiB streams stalled for good
 * on Node 20 in our measurements, so these stay well below that.
 */
export const STREAM_WINDOW_BYTES = 1024 * 1024;
export const CONNECTION_WINDOW_BYTES = 4 * 1024 * 1024;

/**
 * node:http2's maxSessionMemory, in MB. It counts a sender's own unsent data, and its 10 MB default
 * makes a session that is uploading one large body refuse the answers to its other streams
 * (ENHANCE_YOUR_CALM, measured). Room for two bodies in flight plus the default covers our own bounds.
 */
export function sessionMemoryMb(messageBytesMax: number): number {
  return Math.ceil((2 * messageBytesMax) / (1024 * 1024)) + 10;
}

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
    // A stream reset before its end emits 'error' or just 'close', without 'end'; either way the peer
    // is gone, which is not our failure, and the promise must still settle.
    const onGone = (): void => reject(new NodeError('p2p.stream_closed', 'stream closed before its end'));
    stream.once('error', onGone);
    stream.once('close', onGone);
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
  // An unread request body is cut off with RST_STREAM rather than drained. RFC 9113 §8.1 suggests
  // NO_ERROR, but a node:http2 client whose unsent upload exceeds its maxSessionMemory then waits
  // forever (measured on Node 20); after CANCEL it sees the answer if it can, else the reset.
  if (!stream.destroyed && !stream.readableEnded) stream.close(constants.NGHTTP2_CANCEL);
}

/** The error code in a peer's error answer, if it is one of ours; anything else becomes a generic code. */
export function remoteErrorCode(value: unknown): string {
  const code = (value as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' && ERROR_CODE_PATTERN.test(code) ? code : 'p2p.remote_error';
}
