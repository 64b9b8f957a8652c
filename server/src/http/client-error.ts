// Answers Node's HTTP parser gives on its own, before any request reaches the app: a request line or
// header it cannot parse (400), headers past the size limit (431), a client too slow to send its request
// (408). Node's default writes a bare status line; ours carries the same error envelope and safety
// headers as every other answer, then closes the connection, because the byte stream is out of step.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { API_CSP, NO_STORE } from './security-headers.ts';

interface ParserFailure {
  status: number;
  reason: string;
  code: string;
  message: string;
}

function failureOf(error: NodeJS.ErrnoException): ParserFailure {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        reason: 'Request Timeout',
        code: 'request_timeout',
        message: 'The request was not sent in full within the time allowed',
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        reason: 'Request Header Fields Too Large',
        code: 'headers_too_large',
        message: 'The request headers are larger than the server accepts',
      };
    default:
      return {
        status: 400,
        reason: 'Bad Request',
        code: 'bad_request',
        message: 'The request is not valid HTTP/1.1',
      };
  }
}

/** The whole HTTP answer for a parser failure, as bytes ready for the socket. */
export function clientErrorAnswer(error: NodeJS.ErrnoException, nowMs: number): string {
  const f = failureOf(error);
  const body = JSON.stringify({
    error: f.message,
    code: f.code,
    status_code: f.status,
    request_id: randomUUID(),
    timestamp: Math.floor(nowMs / 1000),
  });
  const headers = [
    `HTTP/1.1 ${f.status} ${f.reason}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    'X-Content-Type-Options: nosniff',
    'X-Frame-Options: DENY',
    'Referrer-Policy: no-referrer',
    `Content-Security-Policy: ${API_CSP}`,
    `Cache-Control: ${NO_STORE}`,
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}

/** Replaces Node's bare answer to requests its parser refuses with one in the API's own form. */
export function answerClientErrors(server: Server, now: () => number = Date.now): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // A reset connection, or one whose answer is already under way, can take no answer of ours.
    // (Node's own handler checks the same; `_httpMessage` is the response in progress, if any.)
    const inProgress = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inProgress?.headersSent) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorAnswer(error, now()));
  });
}
