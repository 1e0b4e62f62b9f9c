/**
 * A minimal WebSocket server (RFC 6455) on node:http's `upgrade` event, for the benchmarks:
 * no npm package, no extensions (permessage-deflate is never accepted, so frames go out
 * exactly as written), text and binary messages, fragmentation, ping/pong, close.
 * Offers of the "sip" subprotocol (RFC 7118) are answered with `Sec-WebSocket-Protocol: sip`,
 * which is what makes the extension's page hook watch a socket.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import type net from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface WsConnection {
  readonly path: string;
  readonly query: URLSearchParams;
  /** The negotiated subprotocol ('' when none). */
  readonly protocol: string;
  sendText(text: string): boolean;
  close(code?: number): void;
  onMessage(listener: (data: string | Buffer) => void): void;
  onClose(listener: () => void): void;
  readonly closed: boolean;
}

function frameHeader(opcode: number, length: number): Buffer {
  if (length < 126) return Buffer.from([0x80 | opcode, length]);
  if (length < 0x10000) {
    const b = Buffer.alloc(4);
    b[0] = 0x80 | opcode;
    b[1] = 126;
    b.writeUInt16BE(length, 2);
    return b;
  }
  const b = Buffer.alloc(10);
  b[0] = 0x80 | opcode;
  b[1] = 127;
  b.writeBigUInt64BE(BigInt(length), 2);
  return b;
}

/** Completes the handshake on `socket` and returns the connection, or undefined when refused. */
export function acceptWebSocket(req: http.IncomingMessage, socket: net.Socket, head: Buffer): WsConnection | undefined {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || req.headers.upgrade?.toLowerCase() !== 'websocket') {
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    return undefined;
  }
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const protocol = offered.find((p) => p.toLowerCase() === 'sip') ?? '';
  const accept = crypto.createHash('sha1').update(key + GUID).digest('base64');
  socket.write(
    [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${accept}`,
      ...(protocol ? [`Sec-WebSocket-Protocol: ${protocol}`] : []),
      '',
      '',
    ].join('\r\n'),
  );
  socket.setNoDelay(true);

  const url = new URL(req.url ?? '/', 'http://x');
  const messageListeners: ((data: string | Buffer) => void)[] = [];
  const closeListeners: (() => void)[] = [];
  let closed = false;
  let buffer: Buffer = head.length > 0 ? Buffer.from(head) : Buffer.alloc(0);
  let fragments: Buffer[] = [];
  let fragmentOpcode = 0;

  const writeFrame = (opcode: number, payload: Buffer): boolean => {
    if (closed || socket.destroyed) return false;
    socket.write(frameHeader(opcode, payload.length));
    return socket.write(payload);
  };
  const finish = () => {
    if (closed) return;
    closed = true;
    for (const l of closeListeners) l();
  };

  const deliver = (opcode: number, payload: Buffer) => {
    const data = opcode === 1 ? payload.toString('utf8') : payload;
    for (const l of messageListeners) l(data);
  };

  const pump = () => {
    for (;;) {
      if (buffer.length < 2) return;
      const b0 = buffer[0]!;
      const b1 = buffer[1]!;
      const fin = (b0 & 0x80) !== 0;
      const opcode = b0 & 0x0f;
      const masked = (b1 & 0x80) !== 0;
      let length = b1 & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const maskAt = offset;
      if (masked) offset += 4;
      if (buffer.length < offset + length) return;
      const payload = Buffer.from(buffer.subarray(offset, offset + length));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (buffer[maskAt + (i % 4)] ?? 0);
      buffer = buffer.subarray(offset + length);

      if (opcode === 8) {
        writeFrame(8, payload.subarray(0, 2));
        socket.end();
        finish();
        return;
      }
      if (opcode === 9) {
        writeFrame(10, payload);
        continue;
      }
      if (opcode === 10) continue;
      if (opcode === 0) {
        fragments.push(payload);
        if (fin) {
          deliver(fragmentOpcode, Buffer.concat(fragments));
          fragments = [];
        }
        continue;
      }
      if (!fin) {
        fragmentOpcode = opcode;
        fragments = [payload];
        continue;
      }
      deliver(opcode, payload);
    }
  };

  socket.on('data', (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    pump();
  });
  socket.on('close', finish);
  socket.on('error', finish);
  if (buffer.length > 0) queueMicrotask(pump);

  return {
    path: url.pathname,
    query: url.searchParams,
    protocol,
    sendText: (text) => writeFrame(1, Buffer.from(text, 'utf8')),
    close: (code = 1000) => {
      const b = Buffer.alloc(2);
      b.writeUInt16BE(code, 0);
      writeFrame(8, b);
      socket.end();
      finish();
    },
    onMessage: (l) => void messageListeners.push(l),
    onClose: (l) => void closeListeners.push(l),
    get closed() {
      return closed;
    },
  };
}
