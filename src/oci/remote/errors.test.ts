import { describe, expect, it } from 'vitest';
import { isAppError } from '../../shared/index.ts';
import { RegistryError, connectionError, parseErrorBody, redactHeaders, redactText, redactUrl, responseError } from './errors.ts';

const response = (status: number, body: string, statusText = '') => ({
  status,
  statusText,
  headers: new Headers({ 'content-length': String(body.length) }),
  text: () => Promise.resolve(body),
});

describe('RegistryError classification', () => {
  it.each([
    [401, false, 'REGISTRY_UNAUTHORIZED'],
    [403, false, 'REGISTRY_FORBIDDEN'],
    [404, false, 'REGISTRY_NOT_FOUND'],
    [400, false, 'REGISTRY_HTTP'],
    [408, true, 'REGISTRY_HTTP'],
    [429, true, 'REGISTRY_HTTP'],
    [500, true, 'REGISTRY_HTTP'],
    [503, true, 'REGISTRY_HTTP'],
  ])('status %i → retryable %s, code %s', (status, retryable, code) => {
    const error = new RegistryError('x', { status });
    expect(error.retryable).toBe(retryable);
    expect(error.code).toBe(code);
    expect(isAppError(error)).toBe(true);
  });

  it('classifies connection errors by their code along the cause chain', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
    const badCert = new TypeError('fetch failed', { cause: Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) });
    const a = connectionError('GET', 'http://127.0.0.1:1/v2/', refused);
    expect(a.retryable).toBe(true);
    expect(a.status).toBeUndefined();
    expect(a.code).toBe('REGISTRY_CONNECTION');
    expect(a.message).toContain('ECONNREFUSED');
    expect(a.cause).toBe(refused);
    expect(connectionError('GET', 'https://r/v2/', badCert).retryable).toBe(false);
  });

  it('names the host and says what to try for DNS, refused, certificate and plain-HTTP failures', () => {
    const failing = (code: string, message: string): TypeError => new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
    expect(connectionError('GET', 'https://registry.nosuch.invalid/v2/', failing('ENOTFOUND', 'getaddrinfo ENOTFOUND registry.nosuch.invalid')).message).toBe(
      'GET https://registry.nosuch.invalid/v2/: getaddrinfo ENOTFOUND registry.nosuch.invalid; cannot resolve registry.nosuch.invalid: check the name, DNS and proxy settings (HTTPS_PROXY), or use a mirror',
    );
    expect(connectionError('GET', 'http://127.0.0.1:1/v2/', failing('ECONNREFUSED', 'connect ECONNREFUSED')).message).toMatch(
      /nothing accepts connections at 127\.0\.0\.1:1: .*--insecure-registry 127\.0\.0\.1:1\)$/,
    );
    expect(connectionError('GET', 'https://r.test/v2/', failing('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate')).message).toMatch(
      /TLS certificate of r\.test is not trusted: add its CA/,
    );
    expect(connectionError('GET', 'https://r.test:5000/v2/', failing('ERR_SSL_WRONG_VERSION_NUMBER', 'ssl3_get_record:wrong version number')).message).toMatch(
      /r\.test:5000 does not speak TLS there: a plain-HTTP registry needs --insecure-registry r\.test:5000$/,
    );
    expect(connectionError('GET', 'https://r.test/v2/', failing('ECONNRESET', 'socket hang up')).message).toBe(
      'GET https://r.test/v2/: socket hang up (ECONNRESET)',
    );
  });
});

describe('responseError', () => {
  it('carries the status and the OCI error codes of the body', async () => {
    const body = JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: 'x' } }] });
    const error = await responseError('GET', 'http://r/v2/a/manifests/x', response(404, body, 'Not Found'));
    expect(error.status).toBe(404);
    expect(error.isNotFound).toBe(true);
    expect(error.errors).toEqual([{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }]);
    expect(error.message).toBe('GET http://r/v2/a/manifests/x: 404 Not Found: MANIFEST_UNKNOWN: manifest unknown');
  });

  it('ignores bodies that are not distribution errors', () => {
    expect(parseErrorBody('<html>')).toEqual([]);
    expect(parseErrorBody('{"errors":[{"message":"no code"}]}')).toEqual([]);
  });
});

describe('redaction', () => {
  it('replaces query values except harmless ones, and user info', () => {
    expect(redactUrl('http://u:p@r:5000/v2/a/blobs/uploads/1?_state=abc&digest=sha256:00')).toBe(
      'http://r:5000/v2/a/blobs/uploads/1?_state=REDACTED&digest=sha256%3A00',
    );
  });

  it('scrubs tokens, auth headers and upload state from free text', () => {
    const text = 'failed Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig at http://a:b@h/x?_state=zzz&access_token=t0k';
    const clean = redactText(text);
    for (const secret of ['eyJhbGci', 'zzz', 't0k', 'a:b@']) expect(clean).not.toContain(secret);
    expect(clean).toContain('Bearer REDACTED');
  });

  it('redacts authorization headers', () => {
    expect(redactHeaders({ Authorization: 'Basic abc', Accept: 'x' })).toEqual({ Authorization: 'REDACTED', Accept: 'x' });
  });

  it('redacts messages given to RegistryError itself', () => {
    expect(new RegistryError('GET http://h/x?_state=secret-state failed').message).not.toContain('secret-state');
  });
});
