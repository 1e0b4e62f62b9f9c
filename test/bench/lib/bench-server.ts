/**
 * One local server for the browser benchmarks, on http://127.0.0.1:<port>:
 *   /phones/*             the SIP lab's built phone pages (plain headers, as a softphone is served)
 *   /bench/blank.html     an empty page served cross-origin isolated (COOP + COEP), so that
 *                         performance.now() has 5 µs resolution instead of 100 µs and
 *                         performance.measureUserAgentSpecificMemory() is available
 *   ws://…/ws/<name>      WebSocket endpoints; handlers registered with `onSocket(name, …)`;
 *                         unrouted paths accept the socket (answering "sip" when offered) and
 *                         ignore what it sends, like a SIP server that never replies.
 */
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { acceptWebSocket, type WsConnection } from './ws-server';

export interface BenchServer {
  origin: string;
  wsOrigin: string;
  onSocket(name: string, handler: (ws: WsConnection) => void): void;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

const ISOLATED = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cache-control': 'no-store',
};

export async function startBenchServer(options: { phonesDir?: string } = {}): Promise<BenchServer> {
  const handlers = new Map<string, (ws: WsConnection) => void>();
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/bench/blank.html') {
      res.writeHead(200, { 'content-type': MIME['.html']!, ...ISOLATED });
      res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title></head><body><main id="app">bench</main></body></html>');
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (options.phonesDir && url.pathname.startsWith('/phones/')) {
      const root = path.resolve(options.phonesDir);
      const file = path.resolve(root, `.${decodeURIComponent(url.pathname.slice('/phones'.length))}`);
      if (!file.startsWith(root + path.sep)) {
        res.writeHead(403).end();
        return;
      }
      fs.readFile(file, (err, data) => {
        if (err) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(data);
      });
      return;
    }
    res.writeHead(404).end();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket: net.Socket, head: Buffer) => {
    const ws = acceptWebSocket(req, socket, head);
    if (!ws) return;
    const name = ws.path.startsWith('/ws/') ? ws.path.slice('/ws/'.length) : '';
    handlers.get(name)?.(ws);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    wsOrigin: `ws://127.0.0.1:${port}`,
    onSocket: (name, handler) => void handlers.set(name, handler),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
