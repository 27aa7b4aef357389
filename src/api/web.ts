// Serves the web app (web/, built into web/dist by `npm run build:web`) at `/` on every node. Files are
// sent by @fastify/static's sendFile (which refuses `..` and dotfiles); any other GET that asks for
// HTML gets index.html, so the app's own paths (/explorer/tx/…) survive a reload (the "SPA fallback").
// The API's prefixes are never shadowed: an unknown /api/… path still answers the domain 404 (and an
// unknown /beacon/… path the Beacon's error).
import { existsSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `vite build` writes the app (web/vite.config.ts). */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Paths that belong to the node's APIs: never answered with the app. */
export const API_PREFIXES = [
  '/api',
  '/fhir',
  '/epcis',
  '/auth',
  '/.well-known',
  '/metrics',
  '/beacon',
] as const;

/** Vite names built assets by content hash, so they may be cached for good (RFC 8246 immutable). */
const ASSET_CACHE = 'public, max-age=31536000, immutable';

/**
 * The app talks to its own origin only and loads nothing from elsewhere; no framing (clickjacking a
 * consent screen is the attack this stops). Inline scripts are not needed: Vite emits module files.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export interface WebAppOptions {
  /** The built app; WEB_DIST_DIR unless a test points elsewhere. */
  readonly distDir?: string;
}

export function isApiPath(path: string): boolean {
  return API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** The file under root that a URL path names, or undefined if none (or if it would leave root). */
function fileUnder(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.split('/').some((part) => part === '..')) return undefined;
  const full = resolve(root, `.${decoded}`);
  if (!full.startsWith(root + sep)) return undefined;
  try {
    return statSync(full).isFile() ? full.slice(root.length + 1) : undefined;
  } catch {
    return undefined;
  }
}

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');
}

export function registerWebApp(app: FastifyInstance, options: WebAppOptions = {}): void {
  const root = resolve(options.distDir ?? WEB_DIST_DIR);
  // serve: false: only reply.sendFile is wanted; the routes below decide what is a file and what is
  // the app, which @fastify/static's own wildcard route cannot (it 404s instead of falling back).
  void app.register(fastifyStatic, { root, serve: false });

  const handler = (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (isApiPath(path)) return reply.callNotFound();
    if (!existsSync(join(root, 'index.html'))) {
      return reply
        .status(503)
        .header('cache-control', 'no-store')
        .type('text/plain; charset=utf-8')
        .send('carechain: the web app is not built here; run npm run build:web\n');
    }
    const file = path === '/' ? undefined : fileUnder(root, path);
    if (file !== undefined) {
      const cache = file.startsWith(`assets${sep}`) ? ASSET_CACHE : 'no-cache';
      return securityHeaders(reply)
        .header('cache-control', cache)
        .sendFile(file, root, { cacheControl: false });
    }
    const accept = request.headers.accept ?? '';
    if (path !== '/' && !accept.includes('text/html')) return reply.callNotFound();
    return securityHeaders(reply)
      .header('cache-control', 'no-cache')
      .sendFile('index.html', root, { cacheControl: false });
  };
  app.get('/', handler);
  app.get('/*', handler);
}
