import { GatewayError, badRequest } from './errors.js';

/**
 * A `multipart/form-data` body (RFC 7578) of text fields only, for `/rest_login` (BlueCat's
 * Postman collections log in with one). Deliberately small and strict: fields without a file
 * name, UTF-8 text (or `text/plain` with a UTF-8 or ASCII charset), a bounded number and size of
 * parts and headers; anything else is a 400 saying what. The body has already passed the
 * gateway's size limit (413).
 */
export interface MultipartLimits {
  maxParts: number;
  maxFieldBytes: number;
  maxHeaderBytes: number;
}

export const LOGIN_FORM_LIMITS: MultipartLimits = { maxParts: 20, maxFieldBytes: 8192, maxHeaderBytes: 1024 };

/** RFC 2046 §5.1.1: 1-70 characters of this set, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** The boundary of a `multipart/form-data` Content-Type (quoted or not); a 400 when missing or malformed. */
export function boundaryOf(contentType: string): string {
  const m = /;\s*boundary=(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2] ?? '';
  if (!BOUNDARY.test(boundary)) throw badRequest('A multipart/form-data body needs a valid boundary parameter in its Content-Type.');
  return boundary;
}

const CRLF = Buffer.from('\r\n');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body's fields, in order (a repeated name is the caller's to refuse). */
export function parseMultipart(body: Buffer, boundary: string, limits: MultipartLimits = LOGIN_FORM_LIMITS): { name: string; value: string }[] {
  const dash = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.concat([CRLF, dash]);
  // The first delimiter opens the body, or follows a preamble and CRLF (RFC 2046 allows one).
  let at = body.subarray(0, dash.length).equals(dash) ? dash.length : body.indexOf(delimiter);
  if (at < 0) throw malformed('no boundary line');
  if (at !== dash.length) at += delimiter.length;
  const fields: { name: string; value: string }[] = [];
  for (;;) {
    if (body.subarray(at, at + 2).toString('latin1') === '--') return fields;
    // Transport padding (spaces, tabs) may sit between a boundary and its CRLF.
    while (body[at] === 0x20 || body[at] === 0x09) at++;
    if (!body.subarray(at, at + 2).equals(CRLF)) throw malformed('a boundary line is not followed by CRLF');
    at += 2;
    if (fields.length >= limits.maxParts) throw badRequest(`A multipart/form-data body may hold at most ${limits.maxParts} fields.`);
    const headerEnd = body.indexOf('\r\n\r\n', at, 'latin1');
    if (headerEnd < 0 || headerEnd - at > limits.maxHeaderBytes) throw malformed('part headers are missing, unterminated or too long');
    const name = fieldName(body.subarray(at, headerEnd).toString('latin1'));
    const start = headerEnd + 4;
    const end = body.indexOf(delimiter, start);
    if (end < 0) throw malformed('the body ends before its closing boundary');
    if (end - start > limits.maxFieldBytes) throw new GatewayError(413, 'PayloadTooLarge', `The field "${name.slice(0, 64)}" is over ${limits.maxFieldBytes} bytes.`);
    let value: string;
    try {
      value = utf8.decode(body.subarray(start, end));
    } catch {
      throw badRequest(`The field "${name.slice(0, 64)}" is not UTF-8 text.`);
    }
    fields.push({ name, value });
    at = end + delimiter.length;
  }
}

/** The part's field name, from headers such as `Content-Disposition: form-data; name="username"`. */
function fieldName(block: string): string {
  let name: string | undefined;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed('a part header line has no name');
    const header = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (header === 'content-disposition') {
      if (!/^form-data\s*(;|$)/i.test(value)) throw malformed('a part is not form-data');
      if (/;\s*filename\*?=/i.test(value)) throw badRequest('File parts are not accepted: send text fields only.');
      const m = /;\s*name=(?:"((?:[^"\\]|\\.)*)"|([^;\s"]+))/i.exec(value);
      name = m ? (m[1]?.replace(/\\(.)/g, '$1') ?? m[2]) : undefined;
    } else if (header === 'content-type') {
      if (!/^text\/plain\s*(;\s*charset="?(utf-8|us-ascii)"?\s*)?$/i.test(value)) throw badRequest('A field must be text (no Content-Type, or text/plain in UTF-8).');
    }
  }
  if (!name) throw malformed('a part has no Content-Disposition name');
  return name;
}

const malformed = (why: string) => badRequest(`Malformed multipart/form-data body: ${why}.`);
