// Reads a request body within limits (wire and decoded), then parses JSON and validates it with zod.
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import type { z } from 'zod';
import { ApiError, type ErrorCode, validationError } from './errors.ts';
import { assertJsonDepth } from './json-depth.ts';

const gunzipAsync = promisify(gunzip);

/** Below this many compressed bytes, inflating inline is cheaper than a hop to the thread pool. */
const SYNC_GUNZIP_MAX_WIRE = 64 * 1024;

/** What the body reader needs of a request: Hono's request fits. */
export interface BodySource {
  header(name: string): string | undefined;
  arrayBuffer(): Promise<ArrayBuffer>;
  raw: Request;
}

export interface BodyLimits {
  maxWireBytes: number;
  maxDecodedBytes: number;
  /** Error code used when a limit is exceeded. */
  tooLarge?: 'payload_too_large' | 'report_too_large';
}

function tooLarge(limits: BodyLimits, dimension: string, limit: number, actual?: number): ApiError {
  const details: Record<string, string> = { dimension, limitBytes: String(limit) };
  if (actual !== undefined) details.actualBytes = String(actual);
  const where = dimension === 'encoded_http_body' ? 'on the wire' : 'after decompression';
  return new ApiError(
    limits.tooLarge ?? 'payload_too_large',
    `Request body is larger than the ${limit} bytes allowed ${where}`,
    details,
  );
}

/** How a body read fails when the client goes away mid-body: Node's 'aborted' and its stream equivalents. */
const ABORT_CODES = new Set(['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE', 'ABORT_ERR']);

function isClientAbort(err: unknown, req: BodySource): boolean {
  if (req.raw.signal.aborted) return true;
  if (!(err instanceof Error)) return false;
  const code = 'code' in err && typeof err.code === 'string' ? err.code : '';
  return ABORT_CODES.has(code) || err.name === 'AbortError' || err.message === 'aborted';
}

/**
 * The client closed the connection (or was cut off by the request timeout) before its body arrived.
 * That is its doing, not a server fault: a 4xx it will likely never read, logged as one request line.
 */
function abortedError(req: BodySource): ApiError {
  const declared = req.header('content-length');
  return new ApiError(
    'request_aborted',
    'The client closed the connection before the whole request body arrived',
    declared === undefined ? undefined : { declaredBytes: declared },
  );
}

async function readCapped(req: BodySource, limits: BodyLimits): Promise<Buffer> {
  try {
    return await readWithin(req, limits);
  } catch (err) {
    if (!(err instanceof ApiError) && isClientAbort(err, req)) throw abortedError(req);
    throw err;
  }
}

async function readWithin(req: BodySource, limits: BodyLimits): Promise<Buffer> {
  const declared = Number(req.header('content-length') ?? Number.NaN);
  if (Number.isFinite(declared)) {
    if (declared > limits.maxWireBytes)
      throw tooLarge(limits, 'encoded_http_body', limits.maxWireBytes, declared);
    // Node's HTTP parser stops the body at Content-Length, so a declared length is a bound; reading it
    // in one go skips building a web stream for every report.
    return Buffer.from(await req.arrayBuffer());
  }
  const body = req.raw.body;
  if (!body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limits.maxWireBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limits, 'encoded_http_body', limits.maxWireBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

async function decode(raw: Buffer, encoding: string, limits: BodyLimits): Promise<Buffer> {
  if (encoding === '' || encoding === 'identity') {
    if (raw.byteLength > limits.maxDecodedBytes)
      throw tooLarge(limits, 'decoded_json', limits.maxDecodedBytes);
    return raw;
  }
  if (encoding === 'gzip' || encoding === 'x-gzip') {
    try {
      const options = { maxOutputLength: limits.maxDecodedBytes };
      return raw.byteLength <= SYNC_GUNZIP_MAX_WIRE
        ? gunzipSync(raw, options)
        : await gunzipAsync(raw, options);
    } catch (err) {
      if (err instanceof RangeError) throw tooLarge(limits, 'decoded_json', limits.maxDecodedBytes);
      throw new ApiError('invalid_json', 'Request body is not valid gzip data (Content-Encoding: gzip)');
    }
  }
  throw new ApiError(
    'unsupported_encoding',
    `Content-Encoding '${encoding}' is not supported; send gzip or an uncompressed body`,
  );
}

export async function readBody(req: BodySource, limits: BodyLimits): Promise<Buffer> {
  const encoding = (req.header('content-encoding') ?? '').trim().toLowerCase();
  // Refuse an unknown encoding before spending memory on the body.
  if (!['', 'identity', 'gzip', 'x-gzip'].includes(encoding))
    return decode(Buffer.alloc(0), encoding, limits);
  return decode(await readCapped(req, limits), encoding, limits);
}

export function parseJson(buf: Buffer): unknown {
  if (buf.byteLength === 0)
    throw new ApiError('invalid_json', 'Request body is empty; a JSON object is expected');
  let value: unknown;
  try {
    value = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    const reason = err instanceof SyntaxError ? err.message : 'unreadable';
    throw new ApiError('invalid_json', `Request body is not valid JSON: ${reason}`);
  }
  assertJsonDepth(value);
  return value;
}

export async function readJson<S extends z.ZodType>(
  req: BodySource,
  schema: S,
  limits: BodyLimits,
  invalidCode: ErrorCode = 'validation_failed',
): Promise<z.infer<S>> {
  const value = parseJson(await readBody(req, limits));
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, invalidCode);
  return parsed.data;
}

/** Validates a query string (or path params) object against a schema. */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.infer<S> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw validationError(parsed.error, 'bad_request', 'query');
  return parsed.data;
}
